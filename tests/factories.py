"""Test data builders: make_x(**overrides) fills the rest with sensible defaults."""

import io
import itertools
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

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
    # authors: Author records in byline order, or (author, role) pairs.
    for order, author in enumerate(authors):
        author, role = author if isinstance(author, tuple) else (author, "")
        ArticleAuthor.objects.create(
            article=article, author=author, role=role, order=order
        )
    return article


def make_image_file(name="beeld.jpg", size=(1200, 800), color=(164, 22, 26)):
    """Return an uploadable JPEG made by Pillow."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def make_image(file=None, **overrides):
    """Return a library Image stored the way an upload is, renditions included."""
    from images.images import create_image

    n = next(_seq)
    overrides.setdefault("alt", f"Beschrijving van afbeelding {n}")
    return create_image(file or make_image_file(f"beeld-{n}.jpg"), **overrides)


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


def make_member(username, role, **overrides):
    """Return a staff user in the newsroom group for role ("verslaggever", ...)."""
    from django.contrib.auth.models import Group

    from articles.workflow import ROLE_GROUPS

    user = make_user(username, **overrides)
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    return user
