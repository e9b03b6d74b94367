from django import template
from django.conf import settings

from ticker.live import get_state

register = template.Library()


@register.inclusion_tag("ticker/breaking_news.html")
def breaking_news():
    """Render the ticker bar; from the cache, so without queries once it is warm."""
    return {
        "ticker": get_state(),
        "poll_seconds": settings.TICKER_POLL_SECONDS,
        "breaking_poll_seconds": settings.TICKER_BREAKING_POLL_SECONDS,
    }
