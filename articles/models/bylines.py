"""Bylines: who wrote an article, in which role, and the copy of its bylines and
tags stored with it for the pages that print them (articles/bylines_tags.py)."""

import reversion
from django.db import models
from django.utils.translation import gettext_lazy as _

from .articles import Article, Author


class ArticleAuthor(models.Model):
    class Role(models.TextChoices):
        TEXT = "tekst", _("tekst")
        PHOTO = "foto", _("foto")
        VIDEO = "video", _("video")
        GRAPHICS = "graphics", _("graphics")
        EDITING = "redactie", _("redactie")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        Author,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        related_name="bylines",
    )
    role = models.CharField(_("rol"), max_length=16, choices=Role, blank=True)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("auteursregel")
        verbose_name_plural = _("auteursregels")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="unique_author_per_article"
            )
        ]

    def __str__(self):
        return f"{self.author} ({self.role})" if self.role else str(self.author)


class ArticleBylinesTags(models.Model):
    """The bylines and tags of an article as its pages print them, stored with it
    (written only by articles/bylines_tags.py; Article.objects.with_bylines_tags()
    joins it)."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="bylines_tags"
    )
    # [author id, name, slug, role] per byline, in order.
    bylines = models.JSONField(default=list)
    # [tag id, name, slug] per tag, alphabetically (ignoring case).
    tags = models.JSONField(default=list)

    class Meta:
        # The table's name from before the rename: old and new code can run side by
        # side during a deploy.
        db_table = "articles_articlecredits"
        verbose_name = _("auteurs en tags van een artikel")
        verbose_name_plural = _("auteurs en tags van artikelen")

    def __str__(self):
        return str(self.article_id)


reversion.register(ArticleAuthor)
