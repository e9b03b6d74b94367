from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HEADLINE_MAX_LENGTH = 160


class TickerItemQuerySet(models.QuerySet):
    def live(self, now=None):
        """Return the items readers see now: visible, due, unexpired, newest first."""
        now = now or timezone.now()
        return (
            self.filter(is_visible=True, published_at__lte=now)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .order_by("-published_at", "-pk")
        )


class TickerItem(models.Model):
    headline = models.CharField(
        _("kop"),
        max_length=HEADLINE_MAX_LENGTH,
        help_text=_("Korte, platte tekst; maximaal %(max)s tekens.")
        % {"max": HEADLINE_MAX_LENGTH},
    )
    published_at = models.DateTimeField(
        _("tijd"),
        default=timezone.now,
        db_index=True,
        help_text=_("De getoonde tijd. Een tijd in de toekomst plant het bericht in."),
    )
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("artikel"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ticker_items",
        help_text=_("Optioneel: het artikel waar het bericht naar linkt."),
    )
    url = models.URLField(
        _("externe link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Optioneel: een http(s)-adres, als er geen artikel is gekozen."),
    )
    is_breaking = models.BooleanField(
        _("breaking"), default=False, help_text=_("Wordt opvallend getoond.")
    )
    expires_at = models.DateTimeField(
        _("verloopt op"),
        null=True,
        blank=True,
        help_text=_(
            "Daarna verdwijnt het bericht uit de ticker; het blijft in het archief."
        ),
    )
    is_visible = models.BooleanField(
        _("zichtbaar"),
        default=True,
        help_text=_("Uitgezet: het bericht is verborgen voor lezers."),
    )
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
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    objects = TickerItemQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        verbose_name = _("tickerbericht")
        verbose_name_plural = _("tickerberichten")
        permissions = [("publish_tickeritem", _("Kan tickerberichten zichtbaar maken"))]
        indexes = [
            models.Index(
                fields=["is_visible", "-published_at"], name="ticker_live_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=True) | Q(url=""),
                name="ticker_one_link",
                violation_error_message=_(
                    "Kies een artikel óf een externe link, niet beide."
                ),
            ),
        ]

    def __str__(self):
        return self.headline

    def clean(self):
        if self.article_id and self.url:
            raise ValidationError(
                {"url": _("Kies een artikel óf een externe link, niet beide.")}
            )

    def get_link(self):
        if self.article_id:
            return self.article.get_absolute_url()
        return self.url
