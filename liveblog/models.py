"""Live blogs: an article switched to minute-by-minute coverage, and its updates.

A live blog is an article (section, tags, bylines, lead image, workflow, address,
search, feeds and sitemaps all come from it) with a `LiveBlog` row holding the
coverage state, and `LiveBlogUpdate` rows that the article page lists newest first.
"""

import html
import re

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from articles.html import BODY_EDITOR_EXTENSIONS, sanitize_html
from articles.models import Article, Author
from images.models import Image
from newsroom.models import CreatedByModel
from newsroom.text import clean_line, clean_text

PAGE_SIZE = 20
_TAG = re.compile(r"<[^>]*>")


class LiveBlog(models.Model):
    class State(models.TextChoices):
        UPCOMING = "upcoming", _("Binnenkort")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Afgelopen")

    article = models.OneToOneField(
        Article,
        verbose_name=_("artikel"),
        on_delete=models.CASCADE,
        related_name="liveblog",
        help_text=_(
            "Het artikel dat live verslag doet: rubriek, tags, auteurs, "
            "hoofdafbeelding en publicatie komen van het artikel."
        ),
    )
    state = models.CharField(
        _("verslag"),
        max_length=16,
        choices=State,
        default=State.UPCOMING,
        help_text=_(
            "Live: lezers zien nieuwe updates zonder te herladen. Afgelopen: het "
            "verslag staat vast en er kunnen geen updates meer bij."
        ),
    )
    coverage_start = models.DateTimeField(
        _("begin verslag"),
        null=True,
        blank=True,
        help_text=_("Leeg: het moment waarop het verslag live gaat."),
    )
    coverage_end = models.DateTimeField(
        _("einde verslag"),
        null=True,
        blank=True,
        help_text=_("Leeg: het moment waarop het verslag wordt afgesloten."),
    )
    reporter_approval = models.BooleanField(
        _("updates van verslaggevers goedkeuren"),
        default=False,
        help_text=_(
            "Aangevinkt: een update van een verslaggever verschijnt pas na "
            "goedkeuring door een eindredacteur."
        ),
    )
    # Counts every change of an update: the poll endpoint's ETag.
    changes = models.PositiveIntegerField(_("wijzigingen"), default=0, editable=False)
    # How many updates readers see, kept by recount(): the page's pagination needs
    # it, and counting 2,000 index entries on every view would not stay flat.
    visible_updates = models.PositiveIntegerField(
        _("zichtbare updates"), default=0, editable=False
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("liveblog")
        verbose_name_plural = _("liveblogs")

    def __str__(self):
        return str(self.article)

    def save(self, *args, **kwargs):
        now = timezone.now()
        if self.state != self.State.UPCOMING and self.coverage_start is None:
            self.coverage_start = now
        if self.state == self.State.ENDED and self.coverage_end is None:
            self.coverage_end = max(now, self.coverage_start)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    def clean(self):
        if (
            self.coverage_start
            and self.coverage_end
            and self.coverage_end < self.coverage_start
        ):
            raise ValidationError(
                {"coverage_end": _("Het einde moet na het begin liggen.")}
            )
        if self.state != self.State.ENDED and self.coverage_end is not None:
            if self.coverage_end <= timezone.now():
                raise ValidationError(
                    {
                        "coverage_end": _(
                            "Een einde in het verleden kan alleen bij een "
                            "afgelopen verslag."
                        )
                    }
                )

    @property
    def is_live(self):
        return self.state == self.State.LIVE

    @property
    def is_ended(self):
        return self.state == self.State.ENDED


class LiveBlogUpdateQuerySet(models.QuerySet):
    def visible(self):
        """Return the updates readers see: approved ones."""
        return self.filter(approved=True)

    def in_page_order(self):
        """Return the updates as the page lists them: pinned first, newest first."""
        return self.order_by("-pinned", "-published_at", "-pk")

    def before(self, update):
        """Return the updates listed before update on the page (in_page_order())."""
        return self.filter(
            Q(pinned__gt=update.pinned)
            | Q(pinned=update.pinned, published_at__gt=update.published_at)
            | Q(
                pinned=update.pinned,
                published_at=update.published_at,
                pk__gt=update.pk,
            )
        )


class LiveBlogUpdate(CreatedByModel):
    liveblog = models.ForeignKey(
        LiveBlog,
        verbose_name=_("liveblog"),
        on_delete=models.CASCADE,
        related_name="updates",
        # The indexes below all start with it.
        db_index=False,
    )
    published_at = models.DateTimeField(
        _("tijd"),
        default=timezone.now,
        help_text=_("De getoonde tijd van de update."),
    )
    title = models.CharField(
        _("kop"),
        max_length=200,
        blank=True,
        help_text=_("Optioneel; een kerngebeurtenis heeft er een nodig."),
    )
    body = ProseEditorField(
        _("tekst"),
        blank=True,
        config={"extensions": BODY_EDITOR_EXTENSIONS},
        sanitize=sanitize_html,
    )
    image = models.ForeignKey(
        Image,
        verbose_name=_("afbeelding"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Optioneel, uit de beeldbank. De afbeelding heeft alt-tekst nodig, "
            "tenzij ze decoratief is."
        ),
    )
    quote = models.TextField(
        _("citaat"),
        max_length=500,
        blank=True,
        help_text=_("Optioneel: een uitgelicht citaat."),
    )
    quote_source = models.CharField(
        _("bron van het citaat"), max_length=120, blank=True
    )
    author = models.ForeignKey(
        Author,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liveblog_updates",
    )
    key_event = models.BooleanField(
        _("kerngebeurtenis"),
        default=False,
        help_text=_("Staat ook in het overzicht bovenaan het verslag."),
    )
    pinned = models.BooleanField(
        _("vastgezet"), default=False, help_text=_("Blijft bovenaan staan.")
    )
    approved = models.BooleanField(
        _("goedgekeurd"),
        default=True,
        help_text=_("Alleen goedgekeurde updates zijn zichtbaar voor lezers."),
    )
    edited_at = models.DateTimeField(
        _("bewerkt"), null=True, blank=True, editable=False
    )
    version = models.PositiveIntegerField(
        _("versie"),
        default=1,
        editable=False,
        help_text=_(
            "Telt elke opslag; zo ziet het beheer dat iemand anders ook heeft "
            "opgeslagen."
        ),
    )
    objects = LiveBlogUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-published_at", "-pk"]
        verbose_name = _("liveblog-update")
        verbose_name_plural = _("liveblog-updates")
        permissions = [
            ("approve_liveblogupdate", _("Kan updates van verslaggevers goedkeuren"))
        ]
        # The page reads its 20 rows in index order, however many updates there
        # are (unapproved ones, rare, are skipped on the way); the poll and the new
        # updates read by time; key events have a partial index of their own.
        indexes = [
            models.Index(
                fields=["liveblog", "pinned", "published_at", "id"],
                name="liveblog_update_page_idx",
            ),
            models.Index(
                fields=["liveblog", "published_at", "id"],
                name="liveblog_update_time_idx",
            ),
            models.Index(
                fields=["liveblog", "published_at"],
                condition=Q(key_event=True),
                name="liveblog_update_key_idx",
            ),
        ]

    def __str__(self):
        return self.title or _("Update van %(time)s") % {
            "time": timezone.localtime(self.published_at).strftime("%H:%M")
        }

    def save(self, *args, **kwargs):
        # Also on save, not only in forms: nothing stored may run script on the site.
        self.body = sanitize_html(clean_text(self.body))
        self.title = clean_line(self.title)
        self.quote = clean_text(self.quote).strip()
        self.quote_source = clean_line(self.quote_source)
        if self.pk is not None:  # an edit, not the first save
            self.version = (self.version or 0) + 1
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Return the update's permalink, which finds the page it is on now."""
        return reverse("liveblog:update", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if (
            not (self.body or "").strip()
            and not self.quote.strip()
            and not (self.image_id)
        ):
            errors["body"] = _("Een update heeft tekst, een citaat of een afbeelding.")
        if self.image_id and self.image.needs_alt:
            errors["image"] = _(
                "Deze afbeelding heeft nog geen alt-tekst. Vul die in bij de "
                "afbeelding (potlood) of markeer haar als decoratief."
            )
        if self.key_event and not self.title.strip():
            errors["title"] = _("Een kerngebeurtenis heeft een kop nodig.")
        if self.quote_source and not self.quote.strip():
            errors["quote"] = _("Een bron zonder citaat: vul het citaat in.")
        if errors:
            raise ValidationError(errors)

    @property
    def anchor(self):
        return f"update-{self.pk}"

    @property
    def plain_text(self):
        """Return the body as one line of plain text (for feeds and structured data).

        The body is sanitised HTML (an allow-list of simple tags), so dropping the
        tags with a pattern is enough, and far cheaper than an HTML parser for the
        twenty updates of a page; what uses it escapes it again.
        """
        text = html.unescape(_TAG.sub(" ", self.body or ""))
        return " ".join(text.split())

    @property
    def headline(self):
        """Return a title for feeds and structured data, also for an untitled one."""
        if self.title:
            return self.title
        return shorten(self.plain_text or self.quote, 110) or str(self)


reversion.register(LiveBlog)
reversion.register(LiveBlogUpdate)


def recount(liveblog_id, using=None):
    """Count the change and store how many updates readers see, in one statement.

    Signals call it for every save and delete; code that writes updates in bulk
    (bulk_create(), update()) calls it once afterwards.
    """
    visible = (
        LiveBlogUpdate.objects.filter(liveblog=models.OuterRef("pk"), approved=True)
        .order_by()
        .values("liveblog")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    LiveBlog.objects.using(using).filter(pk=liveblog_id).update(
        changes=models.F("changes") + 1,
        visible_updates=Coalesce(models.Subquery(visible), 0),
    )


def shorten(text, length):
    """Return text cut to at most length characters, with "…" when it was cut.

    Truncator does the same with care for HTML and combining characters, which
    plain one-line text does not need; it cost a fifth of the page's JSON-LD.
    """
    if len(text) <= length:
        return text
    return text[: length - 1].rstrip() + "…"
