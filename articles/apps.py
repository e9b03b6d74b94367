from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Artikelen")

    def ready(self):
        import reversion
        from taggit.models import TaggedItem

        from newsroom import cachetags

        from . import (
            bylines_tags,
            pagetags,
            signals,  # noqa: F401  (page cache invalidation)
        )
        from .search import fulltext
        from .workflow import ensure_newsroom_groups

        bylines_tags.connect()
        cachetags.register_clock(pagetags.next_change)
        # Articles follow their tag links into every revision (see models.py).
        if not reversion.is_registered(TaggedItem):
            reversion.register(TaggedItem)
        post_migrate.connect(
            ensure_newsroom_groups, sender=self, dispatch_uid="newsroom_groups"
        )
        # A migration that rebuilds articles_article on SQLite drops its triggers.
        post_migrate.connect(
            fulltext.ensure_triggers, sender=self, dispatch_uid="article_fulltext"
        )
