"""Reading the API's query parameters: each one checked, every problem a 400.

Anything a client may send (unknown names, a parameter given twice, NUL bytes, dates
that do not exist, numbers past any id) is refused with a message naming the
parameter, before a query runs: a bad request never becomes a 500.
"""

import re
from calendar import timegm
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .errors import BadParameters

SLUG = re.compile(r"[-\w]{1,200}")
# The largest id a database column holds (64-bit signed).
MAX_ID = 2**63 - 1
MAX_QUERY = 200


class Params:
    """The query parameters of one request, read one by one; problems collected."""

    def __init__(self, request, allowed):
        self.query = request.query_params
        self.errors = {}
        for name in self.query:
            if name not in allowed:
                self.errors[name] = _("Onbekende parameter.")
            elif len(self.query.getlist(name)) > 1:
                self.errors[name] = _("Mag maar één keer voorkomen.")

    def check(self):
        if self.errors:
            raise BadParameters(self.errors)

    def raw(self, name):
        if name in self.errors:
            return None
        value = self.query.get(name)
        if value is None:
            return None
        if "\x00" in value or len(value) > 1000:
            self.errors[name] = _("Ongeldige waarde.")
            return None
        return value

    def slug(self, name):
        value = self.raw(name)
        if value is None:
            return None
        if not SLUG.fullmatch(value):
            self.errors[name] = _("Verwacht een slug (letters, cijfers en -).")
            return None
        return value

    def moment(self, name):
        """Return an ISO 8601 date-time; without an offset it is the site's time."""
        value = self.raw(name)
        if value is None:
            return None
        try:
            moment = parse_datetime(value.replace(" ", "+"))
        except ValueError:
            moment = None
        if moment is None:
            self.errors[name] = _(
                "Verwacht een ISO 8601-tijd, bijvoorbeeld 2026-12-07T14:00:00+01:00."
            )
            return None
        if timezone.is_naive(moment):
            try:
                moment = timezone.make_aware(moment)
            except (ValueError, OverflowError):
                self.errors[name] = _(
                    "Deze tijd bestaat niet in de tijdzone van de site."
                )
                return None
        return moment

    def limit(self, name="limit"):
        value = self.raw(name)
        if value is None:
            return settings.API_PAGE_SIZE
        if not (value.isascii() and value.isdigit()) or not (
            1 <= int(value) <= settings.API_MAX_PAGE_SIZE
        ):
            self.errors[name] = _("Verwacht een getal van 1 tot en met %(max)s.") % {
                "max": settings.API_MAX_PAGE_SIZE
            }
            return settings.API_PAGE_SIZE
        return int(value)

    def text(self, name):
        value = self.raw(name)
        if value is None:
            return None
        if len(value) > MAX_QUERY:
            self.errors[name] = _("Hooguit %(max)s tekens.") % {"max": MAX_QUERY}
            return None
        return value

    def fields(self, name, available):
        """Return the chosen field names (in the given order), or None for all."""
        value = self.raw(name)
        if value is None:
            return None
        chosen = [part.strip() for part in value.split(",") if part.strip()]
        unknown = [part for part in chosen if part not in available]
        if not chosen or unknown:
            self.errors[name] = _("Kies uit: %(fields)s.") % {
                "fields": ", ".join(available)
            }
            return None
        return list(dict.fromkeys(chosen))

    def cursor(self, name="cursor"):
        """Return the (published time, id) a page continues after, or None."""
        value = self.raw(name)
        if value is None:
            return None
        position = decode_cursor(value)
        if position is None:
            self.errors[name] = _(
                "Ongeldige cursor: gebruik de link in 'next' van de vorige pagina."
            )
        return position

    def id_cursor(self, name="cursor"):
        """Return the id a list ordered by id continues after, or None."""
        value = self.raw(name)
        if value is None:
            return None
        if not (value.isascii() and value.isdigit()) or int(value) > MAX_ID:
            self.errors[name] = _(
                "Ongeldige cursor: gebruik de link in 'next' van de vorige pagina."
            )
            return None
        return int(value)


# Cursors are digits only, so that the page cache keeps the pages they lead to
# (newsroom/pagecache.py keeps numeric parameter values): the publication time in
# microseconds plus OFFSET (positive for any year from 1), then the id in 19 digits.
OFFSET = 10**17
ID_DIGITS = 19


def encode_cursor(moment, pk):
    """Return an opaque cursor for the position after (moment, pk)."""
    micros = timegm(moment.utctimetuple()) * 1_000_000 + moment.microsecond
    return f"{micros + OFFSET}{pk:0{ID_DIGITS}d}"


def decode_cursor(value):
    if not (value.isascii() and value.isdigit()) or not (
        ID_DIGITS < len(value) <= ID_DIGITS + 18
    ):
        return None
    micros, pk = int(value[:-ID_DIGITS]) - OFFSET, int(value[-ID_DIGITS:])
    if pk > MAX_ID:
        return None
    try:
        moment = datetime.fromtimestamp(micros // 1_000_000, tz=UTC).replace(
            microsecond=micros % 1_000_000
        )
    except (ValueError, OverflowError, OSError):
        return None
    return moment, pk
