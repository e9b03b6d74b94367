from django.conf import settings

from ticker.live import get_state


def breaking_news():
    """Return what the ticker bar (ticker/breaking_news.html, on every public page)
    shows; from the cache, so without queries once it is warm."""
    return {
        "ticker": get_state(),
        "poll_seconds": settings.TICKER_POLL_SECONDS,
        "breaking_poll_seconds": settings.TICKER_BREAKING_POLL_SECONDS,
    }
