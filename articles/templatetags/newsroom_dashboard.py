"""The editors' dashboard on the admin index: what waits, what is planned, what ran."""

from datetime import timedelta

from django import template
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from articles.models import Article
from ticker.models import TickerItem

register = template.Library()

CALENDAR_DAYS = 14
CHART_DAYS = 28
LATEST = 8

# Chart geometry, in SVG user units.
BAR_WIDTH = 8
DAY_WIDTH = 2 * BAR_WIDTH + 6
CHART_HEIGHT = 120
CHART_TOP = 10
CHART_LEFT = 24


@register.inclusion_tag("admin/articles/dashboard.html", takes_context=True)
def newsroom_dashboard(context):
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"show": False}
    now = timezone.now()
    today = timezone.localdate(now)
    articles = Article.objects.select_related("created_by")
    in_review = list(
        articles.filter(status=Article.Status.REVIEW).order_by("updated_at")
    )
    horizon = now + timedelta(days=CALENDAR_DAYS)
    scheduled = list(
        articles.scheduled().filter(published_at__lt=horizon).order_by("published_at")
    )
    latest = list(articles.published().order_by("-published_at")[:LATEST])
    return {
        "show": True,
        "in_review": in_review,
        "calendar": _calendar(today, scheduled),
        "scheduled_count": len(scheduled),
        "latest": latest,
        "chart": _chart(today),
        "chart_days": CHART_DAYS,
    }


def _calendar(today, scheduled):
    by_day = {}
    for article in scheduled:
        by_day.setdefault(timezone.localdate(article.published_at), []).append(article)
    # Start on Monday, so the grid reads like a wall calendar.
    start = today - timedelta(days=today.weekday())
    days = (today - start).days + CALENDAR_DAYS
    days += -days % 7
    return [
        {
            "date": day,
            "is_today": day == today,
            "is_past": day < today,
            "articles": by_day.get(day, []),
        }
        for day in (start + timedelta(days=n) for n in range(days))
    ]


def _per_day(queryset, field, first_day):
    tz = timezone.get_current_timezone()
    rows = (
        queryset.filter(**{f"{field}__date__gte": first_day})
        .annotate(day=TruncDate(field, tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["day"]: row["n"] for row in rows}


def _chart(today):
    """Return bars for articles and ticker items that went public per day."""
    first_day = today - timedelta(days=CHART_DAYS - 1)
    now = timezone.now()
    article_counts = _per_day(
        Article.objects.published(),
        "published_at",
        first_day,
    )
    ticker_counts = _per_day(
        TickerItem.objects.filter(is_visible=True, published_at__lte=now),
        "published_at",
        first_day,
    )
    peak = max([*article_counts.values(), *ticker_counts.values(), 1])
    scale = CHART_HEIGHT / peak
    baseline = CHART_TOP + CHART_HEIGHT
    days = []
    for n in range(CHART_DAYS):
        day = first_day + timedelta(days=n)
        x = CHART_LEFT + n * DAY_WIDTH
        bars = []
        for offset, kind, count in [
            (0, "articles", article_counts.get(day, 0)),
            (BAR_WIDTH, "ticker", ticker_counts.get(day, 0)),
        ]:
            height = round(count * scale, 1)
            bars.append(
                {
                    "kind": kind,
                    "count": count,
                    "x": x + offset,
                    "y": round(baseline - height, 1),
                    "height": height,
                }
            )
        days.append(
            {
                "date": day,
                "bars": bars,
                "label_x": x + BAR_WIDTH,
                "show_label": n % 7 == 0 or n == CHART_DAYS - 1,
            }
        )
    return {
        "days": days,
        "width": CHART_LEFT + CHART_DAYS * DAY_WIDTH + 16,
        "height": baseline + 18,
        "baseline": baseline,
        "top": CHART_TOP,
        "bar_width": BAR_WIDTH,
        "peak": peak,
        "label_y": baseline + 13,
        "articles_total": sum(article_counts.values()),
        "ticker_total": sum(ticker_counts.values()),
    }
