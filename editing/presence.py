"""Who else has a record open in the admin: a heartbeat, no lock.

Opening a change form and every heartbeat from it mark the user as present; closing
the page removes the mark, and a mark older than EDITING_PRESENCE_SECONDS no longer
counts (a closed laptop sends no goodbye). As in Wagtail and WordPress, anyone may
still save: the conflict check (editing.conflicts) keeps both changes safe.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import EditPresence

# Marks nobody has refreshed for this long are deleted when someone opens a form.
_PURGE_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Present:
    name: str
    opened_at: datetime
    seen_at: datetime

    def as_json(self):
        return {
            "name": self.name,
            "since": clock(self.opened_at),
            "seen": clock(self.seen_at),
        }


def clock(value):
    return timezone.localtime(value).strftime("%H:%M")


def display_name(user):
    return user.get_full_name() or user.get_username()


def _key(obj):
    return ContentType.objects.get_for_model(obj), str(obj.pk)


def touch(user, obj, *, now=None):
    """Mark user as having obj open now."""
    now = now or timezone.now()
    content_type, object_id = _key(obj)
    mark = {"content_type": content_type, "object_id": object_id, "user": user}
    if EditPresence.objects.filter(**mark).update(seen_at=now):
        return
    try:
        with transaction.atomic():
            EditPresence.objects.create(**mark, opened_at=now, seen_at=now)
    except IntegrityError:  # the same person's other tab got there first
        EditPresence.objects.filter(**mark).update(seen_at=now)


def leave(user, obj):
    content_type, object_id = _key(obj)
    EditPresence.objects.filter(
        content_type=content_type, object_id=object_id, user=user
    ).delete()


def purge(*, now=None):
    now = now or timezone.now()
    EditPresence.objects.filter(seen_at__lt=now - _PURGE_AFTER).delete()


def others(user, obj, *, now=None):
    """Return who else has had obj open within EDITING_PRESENCE_SECONDS."""
    now = now or timezone.now()
    content_type, object_id = _key(obj)
    since = now - timedelta(seconds=settings.EDITING_PRESENCE_SECONDS)
    marks = (
        EditPresence.objects.filter(
            content_type=content_type, object_id=object_id, seen_at__gte=since
        )
        .exclude(user=user)
        .select_related("user")
        .order_by("opened_at")
    )
    return [Present(display_name(m.user), m.opened_at, m.seen_at) for m in marks]
