"""Accounts in the admin: newsroom administrators manage members, never escalate.

A Beheerder holds auth's add/change user permissions, which Django's own UserAdmin
reads as "may change everything about every account": make itself superuser, grant
permissions, set anyone's password. Here only superusers change superuser and staff
status, permissions, groups outside the newsroom roles and other people's passwords;
everyone else hands out the newsroom roles up to their own, to members who hold
nothing more than those roles. The rules are checked on the server: a field left out
of the form cannot be forged into it, and a group outside the choices is refused.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from ..workflow import ROLE_GROUPS

# The newsroom roles from least to most; a role may hand out its own and those below.
ROLE_ORDER = list(ROLE_GROUPS.values())


def assignable_groups(user):
    """Return the groups user may give to an account (superusers: every group)."""
    if user.is_superuser:
        return Group.objects.all()
    names = set(user.groups.values_list("name", flat=True))
    ranks = [ROLE_ORDER.index(name) for name in names if name in ROLE_ORDER]
    if not ranks:
        return Group.objects.none()
    return Group.objects.filter(name__in=ROLE_ORDER[: max(ranks) + 1])


def may_manage(user, member):
    """Return whether user may change member's account.

    A superuser, an account with permissions of its own or with a group beyond
    user's reach was set up by a superuser and stays theirs to change.
    """
    if user.is_superuser:
        return True
    if member.is_superuser or member.user_permissions.exists():
        return False
    allowed = set(assignable_groups(user).values_list("pk", flat=True))
    return set(member.groups.values_list("pk", flat=True)) <= allowed


sensitive_post_parameters_m = method_decorator(sensitive_post_parameters())


class NewsroomUserAdmin(UserAdmin):
    member_add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "usable_password", "password1", "password2"],
            },
        ),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Rol"), {"fields": ["groups"]}),
    ]
    member_readonly_fields = ["is_staff", "is_superuser", "last_login", "date_joined"]

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        if obj is None:
            return self.member_add_fieldsets
        account = ["username"]
        if obj.pk == request.user.pk:
            # One's own password, with a link to its change form; nobody else's.
            account.append("password")
        return [
            (None, {"fields": account}),
            (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
            (_("Rol"), {"fields": ["is_active", "groups"]}),
            (
                _("Alleen door een superuser te wijzigen"),
                {"fields": ["is_staff", "is_superuser"]},
            ),
            (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and obj is not None:
            fields += self.member_readonly_fields
        return fields

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = assignable_groups(request.user)
            kwargs["required"] = True
            kwargs["widget"] = forms.CheckboxSelectMultiple
            kwargs["label"] = _("Rol")
            kwargs["help_text"] = _(
                "Verslaggever: schrijft en stelt voor. Eindredacteur: publiceert ook. "
                "Beheerder: beheert ook accounts en rubrieken."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or may_manage(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or may_manage(request.user, obj)

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            # A newsroom member works in the admin; only that is theirs to grant.
            obj.is_staff = True
        super().save_model(request, obj, form, change)

    @sensitive_post_parameters_m
    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if (
            user is not None
            and not request.user.is_superuser
            and user.pk != request.user.pk
        ):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


class NewsroomGroupAdmin(GroupAdmin):
    """Groups hold the permissions: only superusers change them."""

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


for model, model_admin in [(User, NewsroomUserAdmin), (Group, NewsroomGroupAdmin)]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
