from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from taggit.apps import TaggitAppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"
    # This module also holds TaggitConfig: say which one "newsroom" means.
    default = True

    def ready(self):
        from . import cachetags, purge

        cachetags.register_listener(purge.enqueue)


class TaggitConfig(TaggitAppConfig):
    """django-taggit, under the name editors know it by in the admin's menu."""

    verbose_name = _("Tags")
