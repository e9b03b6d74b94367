from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LiveBlogConfig(AppConfig):
    name = "liveblog"
    verbose_name = _("Liveblogs")

    def ready(self):
        from articles import rows
        from articles.views import ARTICLE_PAGE_HOOKS

        from . import signals  # noqa: F401  (page cache tags, change counter)
        from .models import LiveBlog
        from .rules import grant_role_permissions
        from .views import article_page

        # The live blog row comes with the article page's row and the front page's
        # cards, so an ordinary article costs no query to tell it is not one.
        join = rows.Join("live_blog", LiveBlog, "id", "article_id", optional=True)
        rows.ARTICLE_PAGE.add_join(join)
        rows.CARDS_WITHOUT_SECTION.add_join(join)
        if article_page not in ARTICLE_PAGE_HOOKS:
            ARTICLE_PAGE_HOOKS.append(article_page)

        post_migrate.connect(
            grant_role_permissions, sender=self, dispatch_uid="liveblog_roles"
        )
