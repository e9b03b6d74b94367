"""Preview links: secret, expiring addresses of unpublished articles."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.models import CreatedByModel

from .articles import Article


def new_preview_token():
    return secrets.token_urlsafe(32)


def default_preview_expiry():
    return timezone.now() + timedelta(days=PreviewLink.DEFAULT_DAYS)


class PreviewLinkQuerySet(models.QuerySet):
    def valid(self):
        return self.filter(revoked=False, expires_at__gt=timezone.now())


class PreviewLink(CreatedByModel):
    """A secret, expiring address that shows an unpublished article without login."""

    DEFAULT_DAYS = 3
    MAX_DAYS = 30

    article = models.ForeignKey(
        Article,
        verbose_name=_("artikel"),
        on_delete=models.CASCADE,
        related_name="preview_links",
    )
    token = models.CharField(
        _("sleutel"),
        max_length=64,
        unique=True,
        editable=False,
        default=new_preview_token,
    )
    expires_at = models.DateTimeField(
        _("geldig tot"),
        default=default_preview_expiry,
        help_text=_("Daarna werkt de link niet meer (hoogstens %(days)s dagen).")
        % {"days": MAX_DAYS},
    )
    revoked = models.BooleanField(
        _("ingetrokken"),
        default=False,
        help_text=_("Aanvinken en opslaan: de link werkt meteen niet meer."),
    )
    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("voorbeeldlink")
        verbose_name_plural = _("voorbeeldlinks")

    def __str__(self):
        return _("Voorbeeld van ‘%(title)s’") % {"title": self.article}

    def get_absolute_url(self):
        return reverse("articles:preview", kwargs={"token": self.token})

    def clean(self):
        if self.expires_at is None:
            return
        now = timezone.now()
        if self.pk is None and self.expires_at <= now:
            raise ValidationError({"expires_at": _("Kies een tijd in de toekomst.")})
        # Counted from the link's making, so that it cannot be extended again and
        # again.
        start = self.created_at or now
        if self.expires_at > start + timedelta(days=self.MAX_DAYS):
            raise ValidationError(
                {
                    "expires_at": _(
                        "Een voorbeeldlink is hoogstens %(days)s dagen geldig, "
                        "gerekend vanaf het moment dat hij is gemaakt."
                    )
                    % {"days": self.MAX_DAYS}
                }
            )

    def is_valid(self):
        return not self.revoked and self.expires_at > timezone.now()

    is_valid.boolean = True
