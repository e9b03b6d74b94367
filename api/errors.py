"""JSON errors for every API answer that is not a 200: a message in "detail", and
for a bad query parameter the parameter's own message in "errors"."""

import logging

from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class BadParameters(exceptions.APIException):
    """One or more query parameters that cannot be answered: 400 with each one's
    message."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, errors):
        self.errors = errors
        names = ", ".join(sorted(errors))
        super().__init__(
            _("Ongeldige queryparameter(s): %(names)s.") % {"names": names}
        )


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        # A bug or an outage (the database away): logged with its traceback, and
        # answered as JSON like every other API error, not with the site's page.
        request = context.get("request")
        logger.error(
            "API error: %s %s",
            getattr(request, "method", "?"),
            getattr(request, "path", "?"),
            exc_info=exc,
        )
        response = Response(
            {"detail": _("Er ging iets mis aan onze kant. Probeer het later opnieuw.")},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
        response.headers["Cache-Control"] = "no-store"
        return response
    if isinstance(exc, BadParameters):
        response.data = {"detail": str(exc.detail), "errors": exc.errors}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    else:
        response.data = {"detail": str(exc), "errors": response.data}
    # The answer is for this request only: never kept by a browser or a CDN.
    response.headers["Cache-Control"] = "no-store"
    return response


def not_found(request, *args, **kwargs):
    """Answer 404 for any path under /api/v1/ that names no endpoint."""
    response = JsonResponse({"detail": _("Dit API-adres bestaat niet.")}, status=404)
    response.headers["Cache-Control"] = "no-store"
    return response
