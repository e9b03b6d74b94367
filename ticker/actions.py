"""What the ticker adds to the article admin (registered in ticker/apps.py): the
"push to ticker" action and the change form's link to the ticker."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from newsroom import dates

from .models import HEADLINE_MAX_LENGTH, TickerItem


def headline_for(article):
    return Truncator(article.title).chars(HEADLINE_MAX_LENGTH)


def on_ticker(articles, now=None):
    """Return the items that put articles on the ticker, newest first.

    Visible and unexpired, and either among the newest `TICKER_ITEMS` that readers
    see now or scheduled to appear: an older item that newer ones pushed out no
    longer counts, so the article may go on the ticker again.
    """
    now = now or timezone.now()
    running = TickerItem.objects.live(now).values("pk")[: settings.TICKER_ITEMS]
    return (
        TickerItem.objects.filter(is_visible=True, article__in=articles)
        .unexpired(now)
        .filter(Q(published_at__gt=now) | Q(pk__in=running))
        .order_by("-published_at", "-pk")
    )


@dataclass(frozen=True)
class TickerLink:
    url: str
    label: str
    kind: str  # "push" (make an item) or "present" (the item that is there)

    @property
    def css_class(self):
        return f"ticker-link ticker-link--{self.kind}"


def ticker_link(user, article):
    """Return the article change form's link to the ticker for user, or None.

    An article on the ticker links to its item. Otherwise a published or scheduled
    article links to the ticker's add form, filled in with the article; a scheduled
    article's item is scheduled for the same moment (see TickerItemAdmin).
    """
    if article.pk is None:
        return None
    item = on_ticker([article]).first()
    if item is not None:
        if not (
            user.has_perm("ticker.view_tickeritem")
            or user.has_perm("ticker.change_tickeritem")
        ):
            return None
        when = short_when(item.published_at)
        if item.published_at > timezone.now():
            label = _("Ingepland in de ticker: %(when)s") % {"when": when}
        else:
            label = _("Staat in de ticker (%(when)s)") % {"when": when}
        url = reverse("admin:ticker_tickeritem_change", args=[quote(item.pk)])
        return TickerLink(url, label, "present")
    if not user.has_perm("ticker.add_tickeritem"):
        return None
    if article.is_scheduled:
        label = _("Naar de ticker (ingepland: %(when)s)") % {
            "when": short_when(article.published_at)
        }
    elif article.is_published():
        label = _("Naar de ticker")
    else:
        return None
    url = (
        f"{reverse('admin:ticker_tickeritem_add')}?{urlencode({'article': article.pk})}"
    )
    return TickerLink(url, label, "push")


def short_when(moment):
    """Return "17:07" for today, else "28 nov 17:07" (with the year if not this one)."""
    return dates.short_when(moment, time_only_today=True)


@admin.action(description=gettext_lazy("In de nieuwsticker zetten"))
def push_to_ticker(modeladmin, request, queryset):
    """Put each selected article's title in the ticker, linked to the article.

    A scheduled article gets a ticker item scheduled for the same moment; articles
    that are neither public nor scheduled, or already in the ticker, are skipped and
    reported.
    """
    user = request.user
    if not user.has_perm("ticker.add_tickeritem"):
        modeladmin.message_user(
            request, _("Je mag geen tickerberichten maken."), messages.ERROR
        )
        return
    visible = user.has_perm("ticker.publish_tickeritem")
    now = timezone.now()
    articles = list(queryset)
    in_ticker = set(on_ticker(articles, now).values_list("article_id", flat=True))
    created, skipped_unpublished, skipped_present = [], [], []
    for article in articles:
        if not (article.is_published() or article.is_scheduled):
            skipped_unpublished.append(article)
        elif article.pk in in_ticker:
            skipped_present.append(article)
        else:
            created.append(
                TickerItem.objects.create(
                    headline=headline_for(article),
                    article=article,
                    published_at=max(now, article.published_at),
                    is_visible=visible,
                    created_by=user,
                )
            )
    if created:
        if visible:
            text = ngettext(
                "%(count)d artikel in de nieuwsticker gezet.",
                "%(count)d artikelen in de nieuwsticker gezet.",
                len(created),
            )
        else:
            text = ngettext(
                "%(count)d artikel als verborgen tickervoorstel opgeslagen; een "
                "eindredacteur maakt het zichtbaar.",
                "%(count)d artikelen als verborgen tickervoorstellen opgeslagen; een "
                "eindredacteur maakt ze zichtbaar.",
                len(created),
            )
        modeladmin.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                text % {"count": len(created)},
                reverse("admin:ticker_tickeritem_changelist"),
                _("Naar de nieuwsticker"),
            ),
            messages.SUCCESS,
        )
    if skipped_unpublished:
        modeladmin.message_user(
            request,
            _("Niet gepubliceerd, dus niet in de ticker gezet: %(titles)s")
            % {"titles": _titles(skipped_unpublished)},
            messages.WARNING,
        )
    if skipped_present:
        modeladmin.message_user(
            request,
            _("Staat al in de ticker: %(titles)s")
            % {"titles": _titles(skipped_present)},
            messages.WARNING,
        )


def _titles(articles):
    return ", ".join(f"‘{article.title}’" for article in articles)
