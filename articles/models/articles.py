"""Sections, authors and the article itself."""

import reversion
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import TaggedItem

from images.models import Image
from newsroom.models import CreatedByModel

from ..html import BODY_EDITOR_EXTENSIONS, sanitize_html
from .slugs import reverse_slug, unique_slug


class Section(models.Model):
    name = models.CharField(_("naam"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    order = models.PositiveSmallIntegerField(
        _("volgorde"),
        default=0,
        help_text=_("Lagere getallen staan eerder in het menu."),
    )
    description = models.TextField(_("omschrijving"), blank=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("rubriek")
        verbose_name_plural = _("rubrieken")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Section, self.name, pk=self.pk, max_length=80)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_slug("articles:section", self.slug)


class Author(models.Model):
    name = models.CharField(_("naam"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True, allow_unicode=True)
    bio = models.TextField(_("korte bio"), blank=True, max_length=1000)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text=_("Optioneel: het account van deze auteur in het beheer."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("auteur")
        verbose_name_plural = _("auteurs")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Author, self.name, pk=self.pk, max_length=140)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_slug("articles:author", self.slug)


def bounded_first(queryset, **bounds):
    """Return queryset filtered by bounds on published_at, with them first in the
    WHERE clause.

    published() already bounds published_at by now. Of two upper bounds on one
    column SQLite takes the first for its index range and only filters on the other:
    "the newest article before X" would read every article from now back to X.
    """
    return queryset.model._meta.default_manager.filter(**bounds) & queryset


def public_q(prefix="", now=None):
    """Return the one public rule as a Q object, for articles reached through prefix
    (e.g. "article__" from a ticker item): published, due and not expired.

    ArticleQuerySet.published() applies it; a query about another model can test it
    on a joined article row, where an EXISTS subquery per row would make PostgreSQL
    scan and hash every public article instead.
    """
    now = now or timezone.now()
    return (
        Q(**{f"{prefix}expires_at__isnull": True})
        | Q(**{f"{prefix}expires_at__gt": now})
    ) & Q(
        **{
            f"{prefix}status": Article.Status.PUBLISHED,
            f"{prefix}published_at__lte": now,
        }
    )


# Article columns no list card, feed or search result shows.
CARD_DEFERRED = (
    "body",
    "related_ids",
    "kill_reason",
    "killed_at",
    "version",
    "created_at",
    "updated_at",
    "update_note",
    "created_by",
    "updated_by",
)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Return the articles a reader may see: published, due and not expired.

        This is the one public rule: lists, feed, sitemap, search and ticker links all
        go through it, so an embargo (a future published_at), an expiry time, a move
        back to draft and a kill take effect everywhere at the same moment.
        """
        return self.filter(public_q())

    def scheduled(self):
        """Return published articles whose time has not come yet."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
        )

    def for_listing(self):
        """Return published articles with what a list card shows, in a fixed number of
        queries."""
        return self.published().for_cards()

    def for_cards(self, *, section=True):
        """Return the articles with what a list card shows (section and lead image,
        in the same query), without filtering them. section=False leaves the
        section out, for a caller that has the sections at hand already.

        Cards show no bylines or tags: prefetching them cost two queries and, per
        article, two querysets that Django builds to hold the results; about a
        third of a list page's time. with_bylines_tags() adds them where they show.
        Nor do they show the body, the longest column by far, or the workflow's
        columns (each date one more conversion per row).
        """
        related = ("section", "lead_image") if section else ("lead_image",)
        return self.select_related(*related).defer(*CARD_DEFERRED)

    def with_bylines_tags(self):
        """Return the articles with their bylines (and authors) and tags, as the
        lists Article.byline and Article.tag_list return, in the same query: the
        copy articles/bylines_tags.py stores with each article, joined.

        Instead of two more queries, and a queryset per article and relation that
        prefetch_related() builds: 1.1 of an article page's 4.4 ms on PostgreSQL.
        """
        return self.select_related("bylines_tags")


class Article(CreatedByModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        REVIEW = "review", _("Ter beoordeling")
        PUBLISHED = "published", _("Gepubliceerd")
        KILLED = "killed", _("Ingetrokken")

    title = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        allow_unicode=True,
        blank=True,
        help_text=_("Deel van het webadres. Leeg laten om het uit de titel te maken."),
    )
    kicker = models.CharField(
        _("bovenkop"),
        max_length=80,
        blank=True,
        help_text=_("Kort woord of zinsdeel boven de titel, bijv. ‘Analyse’."),
    )
    lead = models.TextField(
        _("intro"),
        max_length=600,
        blank=True,
        help_text=_("De inleiding: één of twee zinnen die boven het artikel staan."),
    )
    body = ProseEditorField(
        _("tekst"),
        blank=True,
        config={"extensions": BODY_EDITOR_EXTENSIONS},
        sanitize=sanitize_html,
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("rubriek"),
        on_delete=models.PROTECT,
        related_name="articles",
        null=True,
        blank=True,
    )
    authors = models.ManyToManyField(
        Author,
        verbose_name=_("auteurs"),
        through="ArticleAuthor",
        related_name="articles",
        blank=True,
    )
    tags = TaggableManager(_("tags"), blank=True)
    featured = models.BooleanField(
        _("openingsverhaal"),
        default=False,
        help_text=_(
            "Het nieuwste gepubliceerde openingsverhaal staat bovenaan de voorpagina."
        ),
    )
    lead_image = models.ForeignKey(
        Image,
        verbose_name=_("hoofdafbeelding"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
        help_text=_(
            "Kies een afbeelding uit de beeldbank of voeg er een toe (+). Alt-tekst, "
            "credit en focuspunt staan bij de afbeelding zelf (potlood)."
        ),
    )
    lead_image_caption = models.CharField(
        _("bijschrift bij dit artikel"),
        max_length=300,
        blank=True,
        help_text=_("Leeg laten voor het bijschrift uit de beeldbank."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publicatiedatum"),
        null=True,
        blank=True,
        help_text=_(
            "Een gepubliceerd artikel is zichtbaar vanaf dit moment. Een tijd in de "
            "toekomst plant het in; leeg betekent: nu, bij publiceren."
        ),
    )
    expires_at = models.DateTimeField(
        _("offline vanaf"),
        null=True,
        blank=True,
        help_text=_(
            "Optioneel: vanaf dit moment verdwijnt het artikel van de site, uit "
            "lijsten, feed en sitemap. Leeg betekent: blijft online."
        ),
    )
    public_updated_at = models.DateTimeField(
        _("openbaar bijgewerkt"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Tijd van de laatste belangrijke update of correctie; lezers zien hem als "
            "‘Bijgewerkt’. Kleine correcties laten hem staan."
        ),
    )
    kill_reason = models.TextField(
        _("reden van intrekken"),
        blank=True,
        max_length=1000,
        help_text=_("Openbaar: lezers zien deze reden op het oude adres."),
    )
    killed_at = models.DateTimeField(
        _("ingetrokken op"), null=True, blank=True, editable=False
    )
    version = models.PositiveIntegerField(
        _("versie"),
        default=1,
        editable=False,
        help_text=_(
            "Telt elke opslag; zo ziet het beheer dat iemand anders ook "
            "heeft opgeslagen."
        ),
    )
    related_ids = models.JSONField(
        _("gerelateerde artikelen"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Ids van verwante artikelen, beste eerst, berekend bij het opslaan "
            "(articles/related.py). Leeg: nog niet berekend."
        ),
    )
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)
    update_note = models.CharField(
        _("bijwerkingsnotitie"),
        max_length=255,
        blank=True,
        editable=False,
        help_text=_(
            "De toelichting bij de laatste belangrijke update of correctie; het "
            "volledige logboek staat onder het artikel."
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bijgewerkt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        get_latest_by = "published_at"
        verbose_name = _("artikel")
        verbose_name_plural = _("artikelen")
        permissions = [
            (
                "publish_article",
                _("Kan artikelen publiceren, inplannen, terugtrekken en intrekken"),
            )
        ]
        # Every public list reads these in publication order; expires_at is in them
        # so that published() is decided from the index alone (counts, skipped
        # rows). The partial ones find the next expiry and the last update.
        indexes = [
            models.Index(
                fields=["status", "published_at", "expires_at"],
                name="article_public_idx",
            ),
            models.Index(
                fields=["section", "status", "published_at", "expires_at"],
                name="article_section_idx",
            ),
            models.Index(
                fields=["featured", "status", "published_at", "expires_at"],
                name="article_featured_idx",
            ),
            models.Index(
                fields=["status", "expires_at"],
                condition=models.Q(expires_at__isnull=False),
                name="article_expiry_idx",
            ),
            models.Index(
                fields=["status", "public_updated_at"],
                condition=models.Q(public_updated_at__isnull=False),
                name="article_updated_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.title, pk=self.pk, fallback="artikel")
        # Also on save, not only in forms: nothing stored may run script on the site.
        self.body = sanitize_html(self.body)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        if self.pk is not None:
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse_slug("articles:detail", self.slug)

    def clean(self):
        if not self.slug:
            self.slug = unique_slug(Article, self.title, pk=self.pk, fallback="artikel")
        if (
            self.expires_at
            and self.published_at
            and self.expires_at <= self.published_at
        ):
            raise ValidationError(
                {"expires_at": _("‘Offline vanaf’ moet na de publicatiedatum liggen.")}
            )

    def is_published(self):
        """Mirror ArticleQuerySet.published() for one row."""
        now = timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    is_published.boolean = True

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def byline(self):
        """Return the article's bylines in order (see with_bylines_tags())."""
        from ..bylines_tags import of

        return of(self)[0]

    @property
    def tag_list(self):
        """Return the article's tags alphabetically (see with_bylines_tags())."""
        from ..bylines_tags import of

        return of(self)[1]

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_killed(self):
        return self.status == self.Status.KILLED

    @property
    def image_caption(self):
        """Return the lead image's caption: this article's own, else the library's."""
        if self.lead_image is None:
            return ""
        return self.lead_image_caption or self.lead_image.caption

    @property
    def was_updated(self):
        """Return whether a significant update or correction was published."""
        return self.public_updated_at is not None

    @property
    def modified_at(self):
        """Return the public modification time: only significant updates move it."""
        return self.public_updated_at or self.published_at

    @property
    def tagged_items(self):
        # django-reversion follows this to keep the tags with every revision.
        return TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id=self.pk,
        )


# Every save of an article keeps a revision with its bylines and tags. The counter
# `version` is kept too, so a revision can be matched to the state an editor opened.
reversion.register(
    Article,
    follow=["bylines", "tagged_items"],
    exclude=["tags", "authors", "related_ids"],
)
