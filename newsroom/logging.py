"""JSON-lines logging with the current request's id on every record.

Kept free of Django imports at module level: gunicorn's config loads it in the master
process before Django is set up.
"""

import contextvars
import json
import logging
import traceback
from datetime import UTC, datetime

# Set by newsroom.middleware.RequestIdMiddleware for the length of one request.
current_request = contextvars.ContextVar("current_request", default=None)

REQUEST_FIELDS = ("request_id", "method", "path", "user_id")

# The attributes every LogRecord has; anything else on a record came from `extra=`.
_RECORD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "request",
}

# gunicorn's access log atoms, renamed to what a reader of the log expects.
_ACCESS_ATOMS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "q": "query",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "f": "referer",
    "a": "user_agent",
    "{x-request-id}o": "request_id",
}


def request_fields(request):
    """Return the request's id, method, path and, if already known, its user's id.

    The user is only read when something has loaded it already: logging must not
    query the database, which may be the very thing that failed.
    """
    from django.utils.functional import LazyObject

    fields = {
        "request_id": getattr(request, "request_id", None),
        "method": request.method,
        "path": request.path,
        "user_id": None,
    }
    user = request.__dict__.get("user")
    if isinstance(user, LazyObject):
        # newsroom.middleware.AuthenticationMiddleware: set once the user is read.
        user = request.__dict__.get("loaded_user")
    if user is not None and user.is_authenticated:
        fields["user_id"] = user.pk
    return fields


class RequestContextFilter(logging.Filter):
    """Copy the request's id, method, path and user id onto each record."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if not hasattr(request, "META"):  # django.server passes a socket
            request = current_request.get()
        fields = request_fields(request) if request is not None else {}
        for key in REQUEST_FIELDS:
            if not hasattr(record, key):
                setattr(record, key, fields.get(key))
        return True


class JSONFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update(self._access_fields(record.args))
            entry["message"] = f"{entry.get('method')} {entry.get('path')}"
        else:
            entry["message"] = record.getMessage()
        for key, value in record.__dict__.items():
            if (
                key not in _RECORD_ATTRS
                and not key.startswith("_")
                and value is not None
            ):
                entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info))
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, default=str, ensure_ascii=False)

    @staticmethod
    def _access_fields(atoms):
        fields = {}
        for atom, name in _ACCESS_ATOMS.items():
            value = atoms[atom]  # gunicorn's SafeAtoms: "-" when missing
            if value in ("-", "", None):
                continue
            if isinstance(value, str):
                value = value.replace('\\"', '"')  # SafeAtoms escapes quotes for CLF
            if name in {"status", "bytes", "duration_ms"}:
                try:
                    value = int(value)
                except (TypeError, ValueError):
                    pass
            fields[name] = value
        return fields
