from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LiveBlogConfig(AppConfig):
    name = "liveblog"
    verbose_name = _("Liveblogs")

    def ready(self):
        from articles.views import ARTICLE_PAGE_HOOKS

        from . import signals  # noqa: F401
        from .rules import grant_role_permissions
        from .views import article_page

        if article_page not in ARTICLE_PAGE_HOOKS:
            ARTICLE_PAGE_HOOKS.append(article_page)

        post_migrate.connect(
            grant_role_permissions, sender=self, dispatch_uid="liveblog_roles"
        )
