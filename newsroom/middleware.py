"""Middleware for request ids, health probes, read-only public pages, the admin's CSP
and staff sessions."""

import functools
import re
import uuid

from csp.constants import HEADER, HEADER_REPORT_ONLY, UNSAFE_INLINE
from csp.exceptions import CSPNonceError
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponseNotAllowed, JsonResponse
from django.utils.functional import SimpleLazyObject
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


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's request.user, also kept as request.loaded_user once something has
    read it: the logs name the user without being the ones to load it (a query, on
    a request that may be failing because the database is)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(functools.partial(_load_user, request))


def _load_user(request):
    request.loaded_user = auth.get_user(request)
    return request.loaded_user


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


@functools.cache
def site_policy():
    """Return the policy headers (enforced, report-only) of a response that has no
    policy of its own, built once; None when a policy leaves URL prefixes out."""
    configs = (
        getattr(settings, "CONTENT_SECURITY_POLICY", None) or {},
        getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or {},
    )
    if any(config.get("EXCLUDE_URL_PREFIXES") for config in configs):
        return None
    return build_policy(), build_policy(report_only=True)


@receiver(setting_changed, dispatch_uid="newsroom_csp_site_policy")
def forget_site_policy(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policy.cache_clear()


def _nonce_after_response():
    raise CSPNonceError(
        "The Content-Security-Policy header is written: a nonce asked for now "
        "would not be in it."
    )


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with what the admin cannot do without.

    The prose editor's import map is an inline script: admin forms render their media
    with the request's nonce. Its editor injects a <style> element, and Django's own
    change list writes one: in the admin only, inline styles are allowed.
    """

    def process_response(self, request, response):
        # Every public page, cached page and ticker answer that used no nonce and
        # has no policy of its own (django-csp's csp_update/csp_replace/csp
        # decorators) gets the same headers: built once, not twice per response
        # (60 us). Note: a view exempted with csp_exempt() is not recognised here.
        policy = site_policy()
        plain = PolicyParts()
        if (
            policy is None
            or settings.DEBUG
            or _is_admin(request)
            or self.get_policy_parts(request, response) != plain
            or self.get_policy_parts(request, response, report_only=True) != plain
        ):
            return super().process_response(request, response)
        enforced, report_only = policy
        if enforced and HEADER not in response:
            response.headers[HEADER] = enforced
        if report_only and HEADER_REPORT_ONLY not in response:
            response.headers[HEADER_REPORT_ONLY] = report_only
        # As django-csp does: a nonce asked for from now on would be missing.
        request.csp_nonce = CheckableLazyObject(_nonce_after_response)
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
