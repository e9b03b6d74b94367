from django.conf import settings
from django.core.checks import Error, register


@register()
def check_ticker_settings(app_configs, **kwargs):
    """Refuse ticker settings that would make no sense to readers."""
    errors = []
    for name in (
        "TICKER_ITEMS",
        "TICKER_POLL_SECONDS",
        "TICKER_BREAKING_POLL_SECONDS",
        "TICKER_BREAKING_CHECK_SECONDS",
    ):
        value = getattr(settings, name, None)
        if not isinstance(value, int) or value < 1:
            errors.append(
                Error(
                    f"{name} must be a whole number of at least 1, not {value!r}.",
                    id="ticker.E001",
                )
            )
    if not errors and (
        settings.TICKER_BREAKING_POLL_SECONDS > settings.TICKER_POLL_SECONDS
    ):
        errors.append(
            Error(
                "TICKER_BREAKING_POLL_SECONDS must not be longer than "
                "TICKER_POLL_SECONDS: breaking news is polled faster, not slower.",
                id="ticker.E002",
            )
        )
    return errors
