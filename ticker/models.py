from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, public_q
from newsroom.models import CreatedByModel
from newsroom.text import clean_line

HEADLINE_MAX_LENGTH = 160
URL_SCHEMES = ("http", "https")
# When a linked article becomes public or stops being public, the ticker's link to it
# appears or goes, without anyone saving anything.
ARTICLE_TIME_FIELDS = ("published_at", "expires_at")


def _has_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def reader_link(*, url, article_id, article_slug, article_public):
    """Return the link a reader gets for an item, or "".

    A linked article that is not public (yet) gives no link rather than a 404, and a
    stored URL of another scheme than http(s) (only the shell could store one) none at
    all.
    """
    if article_id:
        if not article_public:
            return ""
        return Article(pk=article_id, slug=article_slug).get_absolute_url()
    if url.split(":", 1)[0].lower() in URL_SCHEMES:
        return url
    return ""


class TickerItemQuerySet(models.QuerySet):
    def unexpired(self, now=None):
        now = now or timezone.now()
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def live(self, now=None):
        """Return the items readers see now: visible, due, unexpired, newest first."""
        now = now or timezone.now()
        return (
            self.filter(is_visible=True, published_at__lte=now)
            .unexpired(now)
            .order_by("-published_at", "-pk")
        )

    def scheduled(self, now=None):
        """Return visible items that are not due yet, the first to appear first."""
        now = now or timezone.now()
        return (
            self.filter(is_visible=True, published_at__gt=now)
            .unexpired(now)
            .order_by("published_at", "pk")
        )

    def with_links(self):
        """Annotate what an item's link needs: its article's slug and whether that
        article is public (`public_q()`, the rule of `Article.objects.published()`,
        tested on the joined article row)."""
        return self.annotate(
            article_slug=F("article__slug"),
            article_public=ExpressionWrapper(
                public_q("article__"), output_field=BooleanField()
            ),
        )

    def for_ticker(self, limit, now=None):
        """Return the newest `limit` live items, preceded by the next scheduled item,
        as dicts with what the ticker shows.

        One query: the scheduled row, if any, sorts first because its time lies in the
        future, and tells the ticker's cache when it has to change next.
        """
        now = now or timezone.now()
        next_scheduled = self.scheduled(now).values("pk")[:1]
        article_times = {
            f"article_{name}": F(f"article__{name}")
            for name in ARTICLE_TIME_FIELDS
            if _has_field(Article, name)
        }
        return (
            self.filter(is_visible=True)
            .unexpired(now)
            .filter(Q(published_at__lte=now) | Q(pk__in=next_scheduled))
            .with_links()
            .annotate(**article_times)
            .order_by("-published_at", "-pk")
            .values(
                "pk",
                "headline",
                "published_at",
                "expires_at",
                "is_breaking",
                "url",
                "article_id",
                "article_slug",
                "article_public",
                *article_times,
            )[: limit + 1]
        )

    def public(self, now=None):
        """Return what the "Laatste nieuws" archive shows: visible and due, expired
        items included."""
        now = now or timezone.now()
        return self.filter(is_visible=True, published_at__lte=now).order_by(
            "-published_at", "-pk"
        )


class TickerItem(CreatedByModel):
    class State(models.TextChoices):
        LIVE = "live", _("zichtbaar")
        SCHEDULED = "scheduled", _("ingepland")
        EXPIRED = "expired", _("verlopen")
        HIDDEN = "hidden", _("verborgen")

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
        help_text=_(
            "Optioneel: het artikel waar het bericht naar linkt. De link verschijnt "
            "zodra het artikel gepubliceerd is."
        ),
    )
    url = models.URLField(
        _("externe link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=URL_SCHEMES)],
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
            # Also for rows written by the shell or an import, which skip validation.
            models.CheckConstraint(
                condition=Q(url="")
                | Q(url__istartswith="http://")
                | Q(url__istartswith="https://"),
                name="ticker_url_http",
                violation_error_message=_(
                    "Alleen links die met http:// of https:// beginnen zijn toegestaan."
                ),
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        # A headline is one line of plain text, however it was pasted in.
        self.headline = clean_line(self.headline)
        super().save(*args, **kwargs)

    def clean(self):
        self.headline = clean_line(self.headline)
        errors = {}
        if self.article_id and self.url:
            errors["url"] = _("Kies een artikel óf een externe link, niet beide.")
        if (
            self.expires_at is not None
            and self.published_at is not None
            and self.expires_at <= self.published_at
        ):
            errors["expires_at"] = _(
                "Het bericht moet later verlopen dan de getoonde tijd."
            )
        if errors:
            raise ValidationError(errors)

    def get_link(self):
        """Return where the item links readers to, or "" for no link."""
        if self.article_id and not hasattr(self, "article_public"):
            # Not annotated by with_links(): ask the article itself.
            return reader_link(
                url=self.url,
                article_id=self.article_id,
                article_slug=self.article.slug,
                article_public=self.article.is_published(),
            )
        return reader_link(
            url=self.url,
            article_id=self.article_id,
            article_slug=getattr(self, "article_slug", None),
            article_public=getattr(self, "article_public", False),
        )

    @property
    def published_on(self):
        """Return the day of the shown time, in the site's time zone."""
        return timezone.localdate(self.published_at)

    def reader_state(self, now=None):
        """Return what readers see of this item now, as a `State`."""
        now = now or timezone.now()
        if not self.is_visible:
            return self.State.HIDDEN
        if self.published_at > now:
            return self.State.SCHEDULED
        if self.expires_at is not None and self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.LIVE
