"""Model pieces that several apps share. The project package defines no tables."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CreatedByModel(models.Model):
    """Who made a row and when: the user is kept as NULL when the account goes."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        abstract = True
