from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TickerConfig(AppConfig):
    name = "ticker"
    verbose_name = _("Nieuwsticker")

    def ready(self):
        from articles import extensions
        from newsroom import cachetags

        from . import checks, signals  # noqa: F401
        from .actions import push_to_ticker, ticker_link
        from .live import bar_fragment

        cachetags.register_fragment("ticker", bar_fragment)
        extensions.register_admin_action(push_to_ticker)
        extensions.register_change_form_link(ticker_link)
