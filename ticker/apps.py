from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TickerConfig(AppConfig):
    name = "ticker"
    verbose_name = _("Nieuwsticker")

    def ready(self):
        from . import checks, signals  # noqa: F401
