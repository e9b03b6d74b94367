"""Short moments as the newsroom reads them in the admin: "7 dec 14:30".

Month abbreviations come from Django's translations of the active language (Dutch:
"mrt", "mei", "okt"), in lower case as Dutch writes them: the date format "b",
never "M", which capitalises ("7 Dec").
"""

from django.utils import timezone
from django.utils.formats import date_format


def short_when(moment, *, time_only_today=False):
    """Return "7 dec 14:30", with the year when it is not this year's.

    time_only_today: "14:30" alone for a moment today (the ticker's own list).
    """
    local = timezone.localtime(moment)
    today = timezone.localdate()
    if time_only_today and local.date() == today:
        return date_format(local, "H:i")
    if local.year == today.year:
        return date_format(local, "j b H:i")
    return date_format(local, "j b Y H:i")


def short_date(day):
    """Return "7 dec" for a date (or a moment's local date)."""
    return date_format(day, "j b")
