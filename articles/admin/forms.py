"""The article form: the fields an editor fills in, and the newsroom's rules on them
(workflow transitions, lead image alt text, live edits, edit conflicts)."""

from django import forms
from django.contrib.admin.utils import quote
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion.models import Version

from editing.conflicts import ConflictCheckedForm
from newsroom.forms import CleanTextMixin

from .. import workflow
from ..models import Article, ArticleUpdate
from ..widgets import TagAutocompleteWidget
from .tags import check_new_tags

CHANGE_MINOR = "minor"
CHANGE_KINDS = [
    (
        CHANGE_MINOR,
        _("Kleine correctie (tikfout): voor lezers verandert er niets"),
    ),
    (
        ArticleUpdate.Kind.UPDATE,
        _("Belangrijke update: nieuwe informatie, ‘Bijgewerkt’-tijd schuift op"),
    ),
    (
        ArticleUpdate.Kind.CORRECTION,
        _("Correctie: er stond iets onjuists, ‘Bijgewerkt’-tijd schuift op"),
    ),
]

# What a restore brings back is the content; where the article stands in the


class ArticleAdminForm(CleanTextMixin, ConflictCheckedForm):
    change_kind = forms.ChoiceField(
        label=_("soort wijziging"),
        choices=CHANGE_KINDS,
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Dit artikel staat online. Kies eerlijk: alleen een belangrijke update "
            "of correctie verandert de ‘Bijgewerkt’-tijd en komt in het openbare "
            "logboek onder het artikel."
        ),
    )
    change_note = forms.CharField(
        label=_("toelichting voor lezers"),
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_(
            "Verplicht bij een update of correctie, bijv. ‘Het aantal doden is "
            "aangepast na nieuwe cijfers van de autoriteiten.’"
        ),
    )

    # Set by ArticleAdmin.get_form for the request at hand.
    request = None
    restore_base = None
    live_edit = False

    class Meta:
        model = Article
        # No status: it only changes through the workflow buttons and actions.
        fields = [
            "kicker",
            "title",
            "slug",
            "lead",
            "body",
            "published_at",
            "expires_at",
            "section",
            "tags",
            "featured",
            "kill_reason",
            "lead_image",
            "lead_image_caption",
        ]
        widgets = {
            "tags": TagAutocompleteWidget(Article),
            # One or two sentences: a few lines, not the body's room.
            "lead": AdminTextareaWidget(attrs={"rows": 4}),
        }

    def _keep_precise(self, name):
        # The date/time widgets show whole seconds; an untouched value must not lose
        # its microseconds (or count as a change) on the way back.
        value, stored = self.cleaned_data.get(name), getattr(self.instance, name)
        if value and stored and value == stored.replace(microsecond=0):
            return stored
        return value

    def clean_tags(self):
        tags = self.cleaned_data["tags"]
        if self.request is not None:
            check_new_tags(self.request.user, tags)
        return tags

    def clean_published_at(self):
        return self._keep_precise("published_at")

    def clean_expires_at(self):
        return self._keep_precise("expires_at")

    @property
    def transition(self):
        return self.data.get("_transition", "")

    @property
    def is_live_edit(self):
        """Return whether this save changes an article readers can see now."""
        return (
            self.instance.pk is not None
            and self.instance.is_published()
            and self.transition in {"", "publish"}
            and not self.instance.is_scheduled
        )

    def clean(self):
        cleaned_data = super().clean()
        # Runs before the form's values are copied onto the instance: it still holds
        # the stored article (workflow fields included), which the rules look at.
        article = self.instance
        user = self.request.user
        if article.pk is not None:
            self.check_conflict()
        if self.transition:
            try:
                workflow.check_transition(user, article, self.transition)
            except workflow.TransitionError as error:
                raise ValidationError(str(error), code="transition") from None
            if self.transition == "kill" and not cleaned_data.get("kill_reason"):
                self.add_error(
                    "kill_reason" if "kill_reason" in self.fields else None,
                    _("Geef een reden op: lezers zien die op het oude adres."),
                )
        if self._goes_out_with_lead_image():
            self._check_lead_image(cleaned_data)
        if "change_kind" in self.fields and self.is_live_edit:
            self._check_change_kind(cleaned_data)
        # Kept for save_model: by then the instance holds the submitted values.
        self.live_edit = self.is_live_edit
        return cleaned_data

    def _goes_out_with_lead_image(self):
        """Return whether this save publishes the article's lead image: a publish,
        or a new lead image on an article that is (or is scheduled to be) out."""
        if self.transition == "publish":
            return True
        return (
            not self.transition
            and self.instance.status == Article.Status.PUBLISHED
            and "lead_image" in self.changed_data
        )

    def _check_lead_image(self, cleaned_data):
        if "lead_image" not in cleaned_data and "lead_image" in self.fields:
            return  # the field has its own error already
        image = cleaned_data.get("lead_image", self.instance.lead_image)
        try:
            workflow.check_publishable(self.instance, lead_image=image)
        except workflow.NotPublishable as error:
            field = "lead_image" if "lead_image" in self.fields else None
            self.add_error(field, str(error))

    def _check_change_kind(self, cleaned_data):
        kind = cleaned_data.get("change_kind")
        restoring = self.restore_base is not None
        if not kind and (restoring or self.has_changed()):
            self.add_error(
                "change_kind",
                _(
                    "Dit artikel staat online: kies of dit een kleine correctie is of "
                    "een belangrijke update of correctie."
                ),
            )
        elif kind and kind != CHANGE_MINOR and not cleaned_data.get("change_note"):
            self.add_error(
                "change_note",
                _("Schrijf voor lezers kort op wat er is veranderd."),
            )

    def current_object(self):
        # On the restore page the database holds the old revision until the save.
        if self.restore_base is not None:
            return self.restore_base
        return super().current_object()

    def conflict_message(self, who, when, opened):
        return conflict_message(
            self.instance, int(opened) if opened.isdigit() else None
        )


def conflict_message(article, opened_version):
    versions = list(
        Version.objects.get_for_object(article).select_related("revision__user")[:50]
    )
    latest = versions[0] if versions else None
    opened = next(
        (v for v in versions if v.field_dict.get("version") == opened_version), None
    )
    who = _("iemand anders")
    when = ""
    if latest is not None:
        if latest.revision.user:
            who = (
                latest.revision.user.get_full_name()
                or latest.revision.user.get_username()
            )
        when = workflow.format_when(latest.revision.date_created)
    text = _(
        "Let op: %(who)s heeft dit artikel opgeslagen (%(when)s) nadat u het opende. "
        "Er is niets opgeslagen. Het formulier toont nu de huidige versie; wat u zelf "
        "had veranderd staat er nog in, met de huidige tekst ernaast. Kies per veld "
        "en sla opnieuw op."
    ) % {"who": who, "when": when}
    if latest is None:
        return text
    url = reverse("admin:articles_article_diff", args=[quote(article.pk), latest.pk])
    if opened is not None:
        url += f"?from={opened.pk}"
    return format_html(
        '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
        text,
        url,
        _("Bekijk de andere wijziging"),
    )


class PreviewLinkForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and self.instance.revoked:
            # Revoked is final: the fields show it, and a forged POST changes nothing.
            for name in ("revoked", "expires_at"):
                if name in self.fields:
                    self.fields[name].disabled = True
