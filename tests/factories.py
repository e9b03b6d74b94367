"""Test data builders: make_x(**overrides) fills the rest with sensible defaults."""

import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from articles.models import Article, ArticleAuthor, Author, Section
from ticker.models import TickerItem

_seq = itertools.count(1)


def make_section(**overrides):
    n = next(_seq)
    overrides.setdefault("name", f"Rubriek {n}")
    return Section.objects.create(**overrides)


def make_author(**overrides):
    n = next(_seq)
    overrides.setdefault("name", f"Auteur {n}")
    return Author.objects.create(**overrides)


def make_article(*, tags=(), authors=(), **overrides):
    n = next(_seq)
    overrides.setdefault("title", f"Artikel nummer {n}")
    overrides.setdefault("lead", f"De intro van artikel {n}.")
    overrides.setdefault("body", f"<p>De tekst van artikel {n}.</p>")
    overrides.setdefault("status", Article.Status.PUBLISHED)
    overrides.setdefault("published_at", timezone.now() - timedelta(hours=1))
    article = Article.objects.create(**overrides)
    if tags:
        article.tags.set(list(tags))
    for order, author in enumerate(authors):
        ArticleAuthor.objects.create(article=article, author=author, order=order)
    return article


def make_ticker_item(**overrides):
    n = next(_seq)
    overrides.setdefault("headline", f"Tickerbericht {n}")
    overrides.setdefault("published_at", timezone.now() - timedelta(minutes=5))
    return TickerItem.objects.create(**overrides)


def make_user(username="redacteur", *, perms=(), **overrides):
    from django.contrib.auth.models import Permission

    overrides.setdefault("is_staff", True)
    user = get_user_model().objects.create_user(
        username=username, password="geheim-wachtwoord-123", **overrides
    )
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user
