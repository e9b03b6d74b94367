"""The editors' dashboard on the admin index: what waits, what is planned, what ran.

The chart of what went public per day is the ticker's (ticker_dashboard), beside it.
"""

from datetime import timedelta

from django import template
from django.utils import timezone

from articles.models import Article

register = template.Library()

CALENDAR_DAYS = 14
LATEST = 8


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
