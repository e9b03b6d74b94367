"""Which rows are demo rows (made by the inactive user "demo-data", or with slugs
starting "demo-"), and removing them again without loading them."""

import importlib.util

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import CommandError
from django.db import connections, models
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    Author,
    Section,
)
from demo.pictures import remove_demo_images
from ticker import live as ticker_live
from ticker.models import TickerItem

DEMO_USERNAME = "demo-data"
DEMO_PREFIX = "demo-"


def clashing_slugs(first, last):
    """Return the existing article slugs that end in -N for an N from first to last.

    A demo slug is its title's and its serial (title-N), so only these can be taken
    already: read once, before the articles stream in (BulkWriter).
    """
    if first > last:
        return set()
    digits = rf"-[0-9]{{{len(str(first))},{len(str(last))}}}$"
    slugs = Article._meta.default_manager.filter(slug__regex=digits).values_list(
        "slug", flat=True
    )
    return {
        slug
        for slug in slugs.iterator(chunk_size=10_000)
        if first <= int(slug.rpartition("-")[2]) <= last
    }


def demo_user(*, create=False):
    """Return the inactive user who "created" the demo articles and ticker items."""
    User = get_user_model()
    user = User.objects.filter(**{User.USERNAME_FIELD: DEMO_USERNAME}).first()
    if user is None and create:
        user = User(**{User.USERNAME_FIELD: DEMO_USERNAME}, is_active=False)
        user.set_unusable_password()
        user.save()
    return user


def free_slug(model, slug):
    base, n = slug, 2
    while model._meta.default_manager.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def flush_demo():
    """Delete the demo content; return how many rows of each kind went."""
    removed = dict.fromkeys(
        (
            "articles",
            "ticker",
            "authors",
            "sections",
            "tags",
            "kept_authors",
            "images",
            "kept_images",
        ),
        0,
    )
    user = demo_user()
    if user is not None:
        articles = Article.objects.filter(created_by=user)
        removed["articles"] = articles.count()
        removed["ticker"] = delete_quietly(TickerItem.objects.filter(created_by=user))
        # Tags hang on a generic relation, which deleting an article leaves behind.
        delete_quietly(
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(Article),
                object_id__in=articles.values("pk"),
            )
        )
        delete_quietly(articles)
        removed["images"], removed["kept_images"] = remove_demo_images(user)
        user.delete()
    demo_authors = Author.objects.filter(slug__startswith=DEMO_PREFIX)
    removed["kept_authors"] = demo_authors.filter(bylines__isnull=False).count()
    removed["authors"] = demo_authors.filter(bylines__isnull=True).delete()[0]
    removed["sections"] = (
        Section.objects.filter(slug__startswith=DEMO_PREFIX, articles__isnull=True)
        .distinct()
        .delete()[0]
    )
    removed["tags"] = Tag.objects.filter(
        slug__startswith=DEMO_PREFIX, taggit_taggeditem_items=None
    ).delete()[0]
    return removed


def delete_quietly(queryset):
    """Delete the rows of queryset, and what depends on them, without loading them.

    QuerySet.delete() loads every row and sends a signal for each (every one of
    them invalidating the caches): minutes for 100,000 articles. Here each table
    gets one DELETE or UPDATE, following on_delete like Django's collector does, and
    the caches are invalidated once at the end, as after the bulk inserts. Return
    how many rows of queryset went.
    """
    model = queryset.model
    keys = queryset.values("pk")
    for relation in model._meta.related_objects:
        if not (relation.one_to_many or relation.one_to_one):
            continue
        field = relation.field
        dependent = relation.related_model._meta.base_manager.filter(
            **{f"{field.name}__in": keys}
        )
        if relation.on_delete is models.CASCADE:
            delete_quietly(dependent)
        elif relation.on_delete is models.SET_NULL:
            dependent.update(**{field.name: None})
        elif relation.on_delete is not models.DO_NOTHING and dependent.exists():
            raise CommandError(
                f"Cannot remove the demo {model._meta.verbose_name_plural}: "
                f"{relation.related_model._meta.verbose_name_plural} still use them."
            )
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    sql, params = keys.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({sql})", params)
        return cursor.rowcount


def invalidate_caches():
    """Drop the cached ticker and, when the page cache exists, the cached pages."""
    ticker_live.invalidate()
    if importlib.util.find_spec("newsroom.pagecache") is not None:
        from newsroom import pagecache

        pagecache.invalidate()
