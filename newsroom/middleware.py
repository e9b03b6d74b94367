"""Middleware for request ids, health probes, read-only public pages, the admin's CSP
and staff sessions."""

import functools
import re
import uuid

from csp.constants import HEADER, HEADER_REPORT_ONLY, UNSAFE_INLINE
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponseNotAllowed, JsonResponse
from js_asset import Media

from . import views
from .logging import current_request

# What a proxy's or load balancer's request id looks like (nginx: 32 hex digits, AWS:
# "Root=1-..."); anything else is replaced rather than written into logs and headers.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{7,127}")


SAFE_METHODS = ["GET", "HEAD", "OPTIONS"]


def _is_admin(request):
    return request.path_info.startswith(f"/{settings.ADMIN_URL}")


class RequestIdMiddleware:
    """Give each request an id: in every log record and in the X-Request-ID header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        if _SANE_REQUEST_ID.fullmatch(incoming):
            request.request_id = incoming
        else:
            request.request_id = uuid.uuid4().hex
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request.request_id
        return response

    def process_exception(self, request, exception):
        # Load the user now, so that the error logged next can say whose request failed.
        try:
            request.user.pk  # noqa: B018
        except Exception:
            pass


class HealthCheckMiddleware:
    """Answer /healthz and /readyz before anything validates the Host header.

    Load balancers probe each server by its IP address, which is not (and should not
    be) in ALLOWED_HOSTS; the probes reveal nothing and change nothing.
    """

    probes = {"/healthz": views.healthz, "/readyz": views.readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = self.probes.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)


class PublicReadOnlyMiddleware:
    """Refuse anything but GET, HEAD and OPTIONS outside the admin.

    Every write happens in the admin; a public endpoint added later cannot take a POST
    by accident (a feed would happily answer one).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS and not _is_admin(request):
            if request.path_info.startswith("/api/"):
                # API clients read errors as JSON (api/errors.py).
                response = JsonResponse(
                    {"detail": f"Methode {request.method} is niet toegestaan."},
                    status=405,
                )
                response.headers["Allow"] = ", ".join(SAFE_METHODS)
                return response
            return HttpResponseNotAllowed(SAFE_METHODS)
        return self.get_response(request)


# Set on a response by django-csp's decorators: such a response gets its own policy.
_PER_RESPONSE_POLICY = tuple(
    f"_csp_{kind}{suffix}"
    for kind in ("config", "update", "replace", "exempt")
    for suffix in ("", "_ro")
)


@functools.cache
def _site_policy():
    """Return the site-wide policy headers (enforced, report-only), built once.

    None when a policy excludes URL prefixes: then django-csp decides per request.
    """
    configs = (
        getattr(settings, "CONTENT_SECURITY_POLICY", None) or {},
        getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {},
    )
    if any(config.get("EXCLUDE_URL_PREFIXES") for config in configs):
        return None
    return build_policy(), build_policy(report_only=True)


@receiver(setting_changed, dispatch_uid="newsroom_csp_policy")
def _forget_site_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policy.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with what the admin cannot do without.

    The prose editor's import map is an inline script: admin forms render their media
    with the request's nonce. Its editor injects a <style> element, and Django's own
    change list writes one: in the admin only, inline styles are allowed.

    Public responses without a nonce (every public page, every cached page and 304)
    all get the same policy: it is built once, not twice per request.
    """

    def process_response(self, request, response):
        policy = _site_policy()
        if (
            policy is None
            or _is_admin(request)
            or getattr(request, "_csp_nonce", None) is not None
            or HEADER in response
            or HEADER_REPORT_ONLY in response
            or any(hasattr(response, name) for name in _PER_RESPONSE_POLICY)
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        enforced, report_only = policy
        if enforced:
            response.headers[HEADER] = enforced
        if report_only:
            response.headers[HEADER_REPORT_ONLY] = report_only
        # As django-csp does: a nonce asked for after this point would be missing.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def process_template_response(self, request, response):
        media = (response.context_data or {}).get("media")
        if _is_admin(request) and isinstance(media, Media):
            response.context_data["media"] = Media.from_media(
                media, nonce=request.csp_nonce
            )
        return response

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if _is_admin(request):
            update = dict(parts.update or {})
            update["style-src"] = [*update.get("style-src", ()), UNSAFE_INLINE]
            parts.update = update
        return parts


class StaffSessionMiddleware:
    """Keep a staff session alive while it is used in the admin, and only there.

    SESSION_COOKIE_AGE is then an inactivity timeout. Public pages never touch the
    session, so they stay free of Set-Cookie and cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and _is_admin(request) and not session.is_empty():
            session.modified = True
        return response
