"""An article's bylines and tags, stored with it for the pages that print them.

The article page (its byline, tags, meta tags and JSON-LD) and the feed show every
article's bylines with their authors and its tags. Read from their own tables that
is two more queries per page, and prefetch_related() builds a queryset per article
and relation around them: about a quarter of an article page's time (1.1 of 4.4 ms on
PostgreSQL at 100,000 articles). So they are also kept as the pages print them, in
one ArticleBylinesTags row per article, which Article.objects.with_bylines_tags()
joins to the article's own query. (Not "credits": that word is a photo's credit.)

Only this module writes those rows, whenever what they copy changes: a byline saved,
moved or deleted, authors added through Article.authors, a tag link added, moved or
removed (taggit's add/set/remove/clear, a revision restored), an author or a tag
renamed or deleted (the receivers below, connected in ArticlesConfig.ready()).
Writes that send no signals (bulk_create(), update(), raw SQL, or code older than
this module running during a deploy) are covered by `manage.py
refresh_article_cache --all`, which stores every article's again (without --all:
those without one); an article without a stored row is read from the tables, as
before, so a missing row is slower, never wrong.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from taggit.models import Tag, TaggedItem

from .models import Article, ArticleAuthor, ArticleBylinesTags, Author

BATCH = 1000
# Where Django keeps the row select_related("bylines_tags") joined (None: no row).
CACHE_NAME = "bylines_tags"


def compute(article_ids):
    """Return {article id: (bylines, tags)} for article_ids, read from the tables:
    bylines as [author id, name, slug, role] in byline order, tags as [id, name,
    slug] alphabetically (ignoring case). Two queries per BATCH articles."""
    found = {pk: ([], []) for pk in article_ids}
    ids = list(found)
    content_type = ContentType.objects.get_for_model(Article)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        bylines = (
            ArticleAuthor.objects.filter(article_id__in=chunk)
            .order_by("order", "pk")
            .values_list(
                "article_id", "author_id", "author__name", "author__slug", "role"
            )
        )
        for article_id, *byline in bylines:
            found[article_id][0].append(byline)
        tags = (
            TaggedItem.objects.filter(content_type=content_type, object_id__in=chunk)
            .order_by(Lower("tag__name"), "tag_id")
            .values_list("object_id", "tag_id", "tag__name", "tag__slug")
        )
        for article_id, *tag in tags:
            found[article_id][1].append(tag)
    return found


def refresh(article_ids):
    """Store the bylines and tags of the existing articles among article_ids."""
    ids = set(article_ids)
    ids.discard(None)
    ids = sorted(ids)
    for start in range(0, len(ids), BATCH):
        chunk = Article.objects.filter(pk__in=ids[start : start + BATCH])
        chunk = list(chunk.order_by("pk").values_list("pk", flat=True))
        rows = [
            ArticleBylinesTags(article_id=pk, bylines=bylines, tags=tags)
            for pk, (bylines, tags) in compute(chunk).items()
        ]
        # One statement whether or not a row exists; no signals (the change that
        # brought us here has already told the page cache).
        ArticleBylinesTags.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["bylines", "tags"],
        )


def of(article):
    """Return (bylines, tags) of article as model instances.

    From the stored row when with_bylines_tags() joined it to the article's query
    (kept on the article, as a prefetch would be), else read from the tables each
    time.
    """
    cached = article.__dict__.get("_bylines_tags")
    if cached is not None:
        return cached
    stored = None
    if Article._meta.get_field(CACHE_NAME).is_cached(article):
        # Joined: None when the article has no stored row.
        stored = getattr(article, CACHE_NAME, None)
    if stored is not None:
        bylines, tags = stored.bylines, stored.tags
    elif article.pk is not None:
        bylines, tags = compute([article.pk])[article.pk]
    else:
        bylines, tags = [], []
    result = (
        [
            ArticleAuthor(author=Author(pk=author_id, name=name, slug=slug), role=role)
            for author_id, name, slug, role in bylines
        ],
        [Tag(pk=tag_id, name=name, slug=slug) for tag_id, name, slug in tags],
    )
    if stored is not None:
        article.__dict__["_bylines_tags"] = result
    return result


def _deleting(origin, model):
    """Return whether a delete started from rows of model (an instance or a
    queryset)."""
    if isinstance(origin, models.QuerySet):
        return origin.model is model
    return isinstance(origin, model)


def article_saved(sender, instance, created, raw=False, **kwargs):
    # A new article has no bylines or tags yet: store that, one statement. (By id:
    # assigning the article would also cache this row on it, which then goes stale.)
    if created and not raw:
        ArticleBylinesTags.objects.bulk_create(
            [ArticleBylinesTags(article_id=instance.pk)], ignore_conflicts=True
        )


def link_moving(sender, instance, raw=False, **kwargs):
    # A byline or tag link saved onto another article (the tag admin's inline can)
    # leaves the one it came from: remember that one, to refresh it too.
    if raw or instance.pk is None:
        return
    field = "article_id" if sender is ArticleAuthor else "object_id"
    before = sender.objects.filter(pk=instance.pk).values_list(field).first()
    if before is not None and before[0] != getattr(instance, field):
        instance._bylines_tags_moved_from = before[0]


def byline_changed(sender, instance, origin=None, **kwargs):
    # An article's own delete takes its stored row with it.
    if not _deleting(origin, Article):
        refresh(
            [instance.article_id, getattr(instance, "_bylines_tags_moved_from", None)]
        )


def tag_link_changed(sender, instance, origin=None, **kwargs):
    # A deleted tag refreshes its articles once (tag_deleted), not once per link.
    if _deleting(origin, Article) or _deleting(origin, Tag):
        return
    if instance.content_type_id == ContentType.objects.get_for_model(Article).pk:
        refresh(
            [instance.object_id, getattr(instance, "_bylines_tags_moved_from", None)]
        )


def authors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Article.authors.add()/set() (and author.articles) insert bylines in bulk,
    without post_save; removing sends post_delete, but clearing from the author's
    side needs the articles known before."""
    if action == "pre_clear" and reverse:
        instance._bylines_tags_articles = list(
            instance.bylines.values_list("article_id", flat=True)
        )
    elif action in ("post_add", "post_remove", "post_clear"):
        if not reverse:
            refresh([instance.pk])
        elif action == "post_clear":
            refresh(getattr(instance, "_bylines_tags_articles", ()))
        else:
            refresh(pk_set or ())


def _tagged_articles(tag):
    content_type = ContentType.objects.get_for_model(Article)
    links = TaggedItem.objects.filter(tag=tag, content_type=content_type)
    return list(links.values_list("object_id", flat=True))


def author_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        refresh(instance.bylines.values_list("article_id", flat=True))


def tag_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        refresh(_tagged_articles(instance))


def tag_deleting(sender, instance, **kwargs):
    instance._bylines_tags_articles = _tagged_articles(instance)


def tag_deleted(sender, instance, **kwargs):
    refresh(getattr(instance, "_bylines_tags_articles", ()))


def connect():
    """Keep the stored bylines and tags up to date (from ArticlesConfig.ready())."""
    for signal in (post_save, post_delete):
        signal.connect(
            byline_changed, ArticleAuthor, dispatch_uid="bylines_tags_byline"
        )
        signal.connect(
            tag_link_changed, TaggedItem, dispatch_uid="bylines_tags_tag_link"
        )
    for model in (ArticleAuthor, TaggedItem):
        pre_save.connect(
            link_moving, model, dispatch_uid=f"bylines_tags_moving_{model}"
        )
    m2m_changed.connect(
        authors_changed, Article.authors.through, dispatch_uid="bylines_tags_authors"
    )
    post_save.connect(article_saved, Article, dispatch_uid="bylines_tags_article")
    post_save.connect(author_saved, Author, dispatch_uid="bylines_tags_author")
    post_save.connect(tag_saved, Tag, dispatch_uid="bylines_tags_tag")
    pre_delete.connect(tag_deleting, Tag, dispatch_uid="bylines_tags_tag_deleting")
    post_delete.connect(tag_deleted, Tag, dispatch_uid="bylines_tags_tag_deleted")
