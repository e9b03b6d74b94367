"""Per-client rate limiting of the API: API_RATE_LIMIT requests per client address.

DRF's throttle keeps each client's request times in the default cache. Answers the
page cache replays never reach it (they cost next to nothing); what it limits is the
work of rendering. When the cache is away (newsroom/cache.py) every client is let
through: a slower API, never a broken one.
"""

import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from newsroom.security import client_ip

logger = logging.getLogger(__name__)


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        # Read per request rather than once at import, so settings can change it.
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        # The address the login lockout believes too (DJANGO_TRUSTED_PROXY_COUNT).
        ident = client_ip(request) or "unknown"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("API rate limit not applied: the cache is unavailable")
            return True
