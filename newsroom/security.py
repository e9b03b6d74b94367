"""Who is asking: the client's address behind proxies; Axes' login guard and page."""

import functools
import ipaddress
import logging

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def client_ip(request):
    """Return the client's IP address.

    X-Forwarded-For is only believed as far as TRUSTED_PROXY_COUNT proxies (nginx, a
    load balancer) that each append the address they saw: anything further left was
    written by the client and could be forged to dodge the login lockout. Too low a
    count locks an editor out for everyone behind the same proxy; too high a count
    believes the forged part. See docs/deploy.md, "Login lockout behind proxies".
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not count:
        if forwarded:
            warn_once(
                "X-Forwarded-For arrives but DJANGO_TRUSTED_PROXY_COUNT is 0: the "
                "login lockout keys on the proxy's address, so one attacker locks an "
                "editor out for everyone. Set it to the number of proxies."
            )
        return request.META.get("REMOTE_ADDR") or None
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if len(hops) >= count:
        try:
            return str(ipaddress.ip_address(hops[-count]))
        except ValueError:
            pass
    else:
        # Fewer proxies than configured: a request that went around them, or a count
        # set too high. Either way, what the socket says is all there is to believe.
        warn_once(
            f"X-Forwarded-For has fewer than DJANGO_TRUSTED_PROXY_COUNT={count} "
            "addresses: a request that bypassed the proxies, or the count is too high."
        )
    return request.META.get("REMOTE_ADDR") or None


@functools.cache
def warn_once(message):
    """Log message once per process: it is about the set-up, not the request."""
    logger.warning(message)


class AxesBackend(AxesStandaloneBackend):
    """Refuse logins for a user and address that are locked out.

    The admin login always passes the request. An authenticate() call without one (the
    test client's login(), a shell session) has no address to key a lockout on, and
    plain Axes would raise; it is left to the next backend instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """Render the Dutch lockout page, saying when the editor may try again."""
    minutes = int(get_cool_off(request).total_seconds() // 60)
    context = {
        **admin.site.each_context(request),
        "title": _("Tijdelijk geblokkeerd"),
        "username": get_client_username(request, credentials) or "",
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": minutes,
    }
    response = render(request, "axes/lockout.html", context, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response
