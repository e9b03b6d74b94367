"""JSON errors for every API answer that is not a 200: a message in "detail", and
for a bad query parameter the parameter's own message in "errors"."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


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
        return None
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
