from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditingConfig(AppConfig):
    """The editors' desk in the admin: who else has a record open, edit conflicts
    resolved field by field, and the rich-text editor on every form that has one."""

    name = "editing"
    verbose_name = _("Redactiebureau")
