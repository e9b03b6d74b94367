"""What readers are told changed: the public log of updates and corrections, and
the old addresses of published articles."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .articles import Article


class ArticleUpdate(models.Model):
    """One entry of an article's public, append-only log of updates and corrections."""

    class Kind(models.TextChoices):
        UPDATE = "update", _("Update")
        CORRECTION = "correction", _("Correctie")

    article = models.ForeignKey(
        Article,
        verbose_name=_("artikel"),
        on_delete=models.CASCADE,
        related_name="public_updates",
    )
    kind = models.CharField(_("soort"), max_length=16, choices=Kind)
    note = models.TextField(
        _("toelichting"),
        max_length=500,
        help_text=_("Openbaar, onder het artikel."),
    )
    created_at = models.DateTimeField(_("tijd"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("update of correctie")
        verbose_name_plural = _("updates en correcties")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.note}"

    def save(self, *args, **kwargs):
        # Readers rely on the log: what was published in it is never rewritten.
        if self.pk is not None:
            raise ValueError("Article updates are append-only.")
        super().save(*args, **kwargs)


class SlugRedirect(models.Model):
    """An old address of a published article, answered with a permanent redirect."""

    old_slug = models.SlugField(
        _("oude slug"), max_length=200, unique=True, allow_unicode=True
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("artikel"),
        on_delete=models.CASCADE,
        related_name="slug_redirects",
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("doorverwijzing")
        verbose_name_plural = _("doorverwijzingen")

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"
