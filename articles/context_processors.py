from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse

from newsroom import cachetags

from .models import Section

# The site-wide links in the head, header and footer of every public page.
SITE_URLS = {
    "index": "articles:index",
    "search": "articles:search",
    "archive": "articles:archive",
    "feed": "feed",
    "feed_atom": "feed_atom",
    "ticker_feed": "ticker:feed",
}


def site(request):
    """Add the site's name, social links, its fixed links and (lazily) the section
    navigation."""
    return {
        "site_name": settings.NEWSROOM_SITE_NAME,
        "site_tagline": settings.NEWSROOM_SITE_TAGLINE,
        "social_links": settings.NEWSROOM_SOCIAL_LINKS,
        "site_urls": site_urls(),
        "nav_sections": NavSections(request),
    }


@dataclass(frozen=True)
class NavSection:
    """What the header's menu shows of a section."""

    name: str
    url: str

    def get_absolute_url(self):
        return self.url


class NavSections:
    """The header's sections, read when a template iterates them (the front page
    passes its own), from the shared cache while the content is unchanged.

    The page that shows them carries the "nav" tag, and the entry is keyed by that
    tag's stamp, which every saved or deleted section replaces (after commit), in
    every process: a menu read just before a change is stored under the old key,
    never read again. A cache each process keeps to itself cannot be invalidated
    from another: then the query. With the cache away (newsroom/cache.py) there is
    no stamp and the menu is queried.
    """

    TIMEOUT = 24 * 60 * 60
    TAG = "nav"

    def __init__(self, request=None):
        self.request = request

    def __iter__(self):
        return iter(self.sections)

    def __len__(self):
        return len(self.sections)

    @property
    def sections(self):
        if "_sections" not in self.__dict__:
            self._sections = self._read()
        return self._sections

    def _read(self):
        if self.request is not None:
            cachetags.add_tags(self.request, self.TAG)
        if not settings.CACHE_IS_SHARED:
            return self._query()
        versions = [
            cachetags.current_version(cachetags.tag_key(tag))
            for tag in (self.TAG, cachetags.ALL)
        ]
        if None in versions:  # the cache is away
            return self._query()
        key = "nav-sections:" + ":".join(versions)
        sections = cache.get(key)
        if sections is None:
            sections = self._query()
            cache.set(key, sections, self.TIMEOUT)
        return sections

    def _query(self):
        return tuple(
            NavSection(section.name, section.get_absolute_url())
            for section in Section.objects.all()
        )


def site_urls():
    """Return the addresses of SITE_URLS, reversed once per process.

    Nine {% url %} tags on every page cost about 0.3 ms together. The key holds the
    script prefix and the URL resolver, so a changed URLconf (tests) or prefix never
    gets an old answer.
    """
    return _site_urls(get_script_prefix(), get_resolver(get_urlconf()))


@lru_cache(maxsize=16)
def _site_urls(prefix, resolver):
    return {
        name: reverse(viewname, urlconf=resolver.urlconf_name)
        for name, viewname in SITE_URLS.items()
    }
