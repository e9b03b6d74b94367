from django.conf import settings

from articles.models import Section


def site(request):
    """Add the site's name, social links and (lazily) the section navigation."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_tagline": settings.NEWSROOM_SITE_TAGLINE,
        "social_links": settings.NEWSROOM_SOCIAL_LINKS,
        # Evaluated only when a template iterates it.
        "nav_sections": Section.objects.all(),
    }
