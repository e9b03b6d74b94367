"""The dashboard's chart: articles and ticker items that went public per day.

The ticker's, since it counts both (ticker depends on articles, never the reverse);
templates/admin/index.html shows it beside the articles' dashboard.
"""

from datetime import timedelta

from django import template
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from articles.models import Article

from ..models import TickerItem

register = template.Library()

CHART_DAYS = 28

# Chart geometry, in SVG user units.
BAR_WIDTH = 8
DAY_WIDTH = 2 * BAR_WIDTH + 6
CHART_HEIGHT = 120
CHART_TOP = 10
CHART_LEFT = 24


@register.inclusion_tag("admin/ticker/publication_chart.html", takes_context=True)
def publication_chart(context):
    if not context["request"].user.has_perm("articles.view_article"):
        return {"show": False}
    today = timezone.localdate()
    return {"show": True, "chart": _chart(today), "chart_days": CHART_DAYS}


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
