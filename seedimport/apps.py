from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeedImportConfig(AppConfig):
    """Seed files into ticker items and articles: the parser, the import log and
    ``manage.py import_seeds``."""

    name = "seedimport"
    verbose_name = _("Seedimport")
