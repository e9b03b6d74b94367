from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TickerConfig(AppConfig):
    name = "ticker"
    verbose_name = _("Nieuwsticker")

    def ready(self):
        from newsroom import cachetags

        from . import checks, signals  # noqa: F401
        from .live import bar_fragment

        cachetags.register_fragment("ticker", bar_fragment)
