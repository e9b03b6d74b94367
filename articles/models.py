from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from .html import sanitize_html

BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False},
    "Table": True,
    "History": True,
}


def unique_slug(model, value, *, pk=None, max_length=200, fallback="item"):
    """Return a slug for value that no other row of model uses.

    Latin titles get ASCII slugs ("Marokko’s économie" -> "marokkos-economie"); titles
    in other scripts, such as Arabic, keep their letters as a Unicode slug.
    """
    base = slugify(value) or slugify(value, allow_unicode=True) or fallback
    base = base[:max_length].strip("-")
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exclude(pk=pk).exists():
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)].strip("-") + suffix
        n += 1
    return slug


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
        return reverse("articles:section", kwargs={"slug": self.slug})


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
        return reverse("articles:author", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Return the articles a reader may see: published and due."""
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=timezone.now()
        )

    def for_listing(self):
        """Return published articles with what a list card shows, in a fixed number of
        queries."""
        return (
            self.published()
            .select_related("section")
            .prefetch_related(
                Prefetch(
                    "bylines",
                    queryset=ArticleAuthor.objects.select_related("author"),
                ),
                "tags",
            )
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Concept")
        REVIEW = "review", _("Ter beoordeling")
        PUBLISHED = "published", _("Gepubliceerd")

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
    lead_image = models.ImageField(
        _("hoofdafbeelding"), upload_to="articles/%Y/%m/", blank=True
    )
    lead_image_caption = models.CharField(_("bijschrift"), max_length=300, blank=True)
    lead_image_credit = models.CharField(_("fotocredit"), max_length=120, blank=True)
    lead_image_alt = models.CharField(
        _("alt-tekst"),
        max_length=300,
        blank=True,
        help_text=_(
            "Beschrijf wat er op de afbeelding te zien is, voor wie haar niet ziet."
        ),
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
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)
    update_note = models.CharField(
        _("bijwerkingsnotitie"),
        max_length=255,
        blank=True,
        help_text=_(
            "Openbaar, onder de kop ‘Bijgewerkt’, bijv. ‘Aantal doden aangepast’."
        ),
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
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_public_idx"),
            models.Index(
                fields=["section", "status", "-published_at"],
                name="article_section_idx",
            ),
            models.Index(
                fields=["featured", "status", "-published_at"],
                name="article_featured_idx",
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
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        if not self.slug:
            self.slug = unique_slug(Article, self.title, pk=self.pk, fallback="artikel")

    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
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
        """Return the article's bylines in order (prefetched by for_listing())."""
        return list(self.bylines.all())

    @property
    def was_updated(self):
        return bool(self.update_note)


class ArticleAuthor(models.Model):
    class Role(models.TextChoices):
        TEXT = "tekst", _("tekst")
        PHOTO = "foto", _("foto")
        VIDEO = "video", _("video")
        GRAPHICS = "graphics", _("graphics")
        EDITING = "redactie", _("redactie")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        Author,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        related_name="bylines",
    )
    role = models.CharField(_("rol"), max_length=16, choices=Role, blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("auteursregel")
        verbose_name_plural = _("auteursregels")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="unique_author_per_article"
            )
        ]

    def __str__(self):
        return f"{self.author} ({self.role})" if self.role else str(self.author)
