"""The seed import log: which line of which seed file became which record.

``manage.py import_seeds`` writes through ``SeedRecord.objects.import_seed()``. The log
makes a re-run harmless: a line that was imported before is never written again,
whatever happened to its record since (edited, deleted).
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from articles import related
from articles.models import Article, Section
from ticker.models import TickerItem

from .parser import Seed, SeedError


class Kind(models.TextChoices):
    TICKER = "ticker", _("tickerbericht")
    ARTICLE = "article", _("artikel")


class State(models.TextChoices):
    UNCHANGED = "unchanged", _("ongewijzigd")
    EDITED = "edited", _("bewerkt sinds import")
    DELETED = "deleted", _("verwijderd sinds import")


# What an editor can change on an imported record. A difference from the values stored
# at import time means "edited since import", and the importer keeps its hands off.
FINGERPRINT_FIELDS = {
    Kind.TICKER: ("headline", "published_at", "is_visible"),
    Kind.ARTICLE: (
        "title",
        "slug",
        "lead",
        "body",
        "status",
        "published_at",
        "section_id",
    ),
}


def fingerprint(record, kind):
    """Return a hash of record's editable values (see FINGERPRINT_FIELDS)."""
    values = {}
    for name in FINGERPRINT_FIELDS[kind]:
        value = getattr(record, name)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        values[name] = value
    payload = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def validate_like_admin(record):
    """Run full_clean() plus the length limits that the admin's form enforces.

    A TextField's max_length is only checked by forms, and SQLite does not check
    CharField lengths at all: validating here makes SQLite and PostgreSQL agree.
    """
    errors = {}
    try:
        record.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for model_field in record._meta.concrete_fields:
        if isinstance(model_field, models.TextField) and model_field.max_length:
            try:
                MaxLengthValidator(model_field.max_length)(
                    getattr(record, model_field.attname)
                )
            except ValidationError as error:
                errors.setdefault(model_field.name, []).extend(error.messages)
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class Outcome:
    """What happened to one line of a seed file."""

    action: str  # "created", "unchanged", "kept" or "skipped"
    line: int
    text: str
    kind: str = ""
    detail: str = ""


@dataclass
class SeedImport:
    source: str
    day: date
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, action):
        return sum(1 for outcome in self.outcomes if outcome.action == action)


class SeedRecordManager(models.Manager):
    def import_seed(self, seed: Seed, *, day: date, now: datetime) -> SeedImport:
        """Write seed's ticker items and article, reading its times on day.

        Create only what the log has not seen from this file before; never update.
        Raise SeedError (naming the line) when a record does not validate. The caller
        wraps this in a transaction, so a failing file leaves nothing behind.
        """
        result = SeedImport(seed.source, day)
        result.outcomes.extend(
            Outcome("skipped", s.line, s.text, detail=s.reason) for s in seed.skipped
        )
        headlines = [item.headline for item in seed.ticker]
        text = seed.article  # None for a ticker-only file
        title = text.title if text else None
        wanted = Q(kind=Kind.TICKER, key__in=headlines)
        if text:
            wanted |= Q(kind=Kind.ARTICLE, key=title)
        logged = {}  # (kind, key) -> {source: SeedRecord}
        for entry in self.filter(wanted).select_related("article", "ticker_item"):
            logged.setdefault((entry.kind, entry.key), {})[entry.source] = entry
        on_site = {
            (Kind.TICKER, headline)
            for headline in TickerItem.objects.filter(
                headline__in=headlines
            ).values_list("headline", flat=True)
        }
        if text and Article.objects.filter(title=title).exists():
            on_site.add((Kind.ARTICLE, title))

        def existing(kind, key, line):
            """Return the outcome for a line that must not be created, else None."""
            entries = logged.get((kind, key), {})
            if seed.source in entries:
                entry = entries[seed.source]
                state = entry.state()
                if state == State.UNCHANGED:
                    return Outcome("unchanged", line, key, kind)
                return Outcome("kept", line, key, kind, detail=state.value)
            if entries:
                other = sorted(entries)[0]
                return Outcome(
                    "skipped", line, key, kind, detail=f"already imported from {other}"
                )
            if (kind, key) in on_site:
                return Outcome(
                    "skipped", line, key, kind, detail="already on the site, not seeded"
                )
            return None

        for item in seed.ticker:
            outcome = existing(Kind.TICKER, item.headline, item.line)
            if outcome is None:
                ticker_item = TickerItem(
                    headline=item.headline,
                    published_at=seed.ticker_moment(item, day, now.tzinfo),
                    is_visible=True,
                )
                self._create(seed, item.line, Kind.TICKER, item.headline, ticker_item)
                outcome = Outcome("created", item.line, item.headline, Kind.TICKER)
            result.outcomes.append(outcome)

        if text is not None:
            outcome = existing(Kind.ARTICLE, title, text.line)
            if outcome is None:
                article = Article(
                    title=title,
                    lead=text.lead,
                    body=format_html_join(
                        "\n", "<p>{}</p>", ((p,) for p in text.paragraphs)
                    ),
                    status=Article.Status.PUBLISHED,
                    published_at=seed.article_moment(day, now),
                    section=self._default_section(seed),
                )
                self._create(seed, text.line, Kind.ARTICLE, title, article)
                # As saving it in the admin does: its related articles, and theirs.
                related.refresh(article)
                outcome = Outcome("created", text.line, title, Kind.ARTICLE)
            result.outcomes.append(outcome)
        result.outcomes.sort(key=lambda outcome: outcome.line)
        return result

    def _create(self, seed, line, kind, key, record):
        label = {Kind.TICKER: "ticker item", Kind.ARTICLE: "article"}[kind]
        self._validate(record, seed, line, label)
        record.save()
        entry = self.model(
            source=seed.source,
            line=line,
            kind=kind,
            key=key,
            article=record if kind == Kind.ARTICLE else None,
            ticker_item=record if kind == Kind.TICKER else None,
            fingerprint=fingerprint(record, kind),
        )
        self._validate(entry, seed, line, "import log entry")
        entry.save()

    def _validate(self, record, seed, line, label):
        try:
            validate_like_admin(record)
        except ValidationError as error:
            problems = "; ".join(
                " ".join(messages)
                if name == NON_FIELD_ERRORS
                else f"{name}: " + " ".join(messages)
                for name, messages in error.message_dict.items()
            )
            raise SeedError(seed.source, f"{label}: {problems}", line=line) from None

    def _default_section(self, seed):
        name = settings.NEWSROOM_DEFAULT_SECTION.strip()
        if not name:
            return None
        section = Section.objects.filter(name__iexact=name).first()
        if section is None:
            section = Section(name=name)
            try:
                section.full_clean(exclude=["slug"])
            except ValidationError as error:
                raise SeedError(
                    seed.source,
                    f"setting NEWSROOM_DEFAULT_SECTION {name!r}: "
                    + " ".join(error.messages),
                ) from None
            section.save()
        return section


class SeedRecord(models.Model):
    Kind = Kind
    State = State

    source = models.CharField(
        _("bronbestand"),
        max_length=255,
        help_text=_("De naam van het seedbestand waaruit dit item kwam."),
    )
    line = models.PositiveIntegerField(_("regel"))
    kind = models.CharField(_("soort"), max_length=16, choices=Kind)
    key = models.CharField(
        _("oorspronkelijke kop of titel"),
        max_length=255,
        help_text=_(
            "Zoals het in het bestand stond. Hieraan herkent een volgende import de "
            "regel, ook als de redactie de kop sindsdien heeft aangepast."
        ),
    )
    article = models.ForeignKey(
        Article,
        verbose_name=_("artikel"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seed_records",
    )
    ticker_item = models.ForeignKey(
        TickerItem,
        verbose_name=_("tickerbericht"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seed_records",
    )
    fingerprint = models.CharField(_("vingerafdruk"), max_length=64)
    imported_at = models.DateTimeField(_("geïmporteerd op"), default=timezone.now)

    objects = SeedRecordManager()

    class Meta:
        # The table the log had when it lived in the project package (newsroom).
        db_table = "newsroom_seedrecord"
        ordering = ["source", "line"]
        verbose_name = _("geïmporteerd item")
        verbose_name_plural = _("geïmporteerde items")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "key"],
                name="seedrecord_unique_key",
                violation_error_message=_(
                    "Deze regel van dit bestand is al eens geïmporteerd."
                ),
            ),
            models.CheckConstraint(
                condition=Q(article__isnull=True) | Q(ticker_item__isnull=True),
                name="seedrecord_one_target",
            ),
        ]
        indexes = [models.Index(fields=["kind", "key"], name="seedrecord_key_idx")]

    def __str__(self):
        return f"{self.source}:{self.line} {self.key}"

    @property
    def record(self):
        """Return the article or ticker item this line became, None if deleted."""
        return self.article if self.kind == Kind.ARTICLE else self.ticker_item

    def state(self):
        """Return whether the record is as imported, edited since, or deleted."""
        record = self.record
        if record is None:
            return State.DELETED
        if fingerprint(record, self.kind) != self.fingerprint:
            return State.EDITED
        return State.UNCHANGED
