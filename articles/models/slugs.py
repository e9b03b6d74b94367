"""Slugs: unique ones for new rows, and their addresses, remembered per process."""

from functools import lru_cache

from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.text import slugify


def reverse_slug(viewname, slug):
    """Return reverse(viewname, kwargs={"slug": slug}), remembered per process.

    A list page asks for the same few hundred addresses on every request, each a
    reverse() of some 20 microseconds. The key holds the script prefix and the
    URL resolver, so a changed URLconf (tests) or prefix never gets an old answer.
    """
    urlconf = get_urlconf()
    return _reverse_slug(viewname, slug, get_script_prefix(), get_resolver(urlconf))


@lru_cache(maxsize=8192)
def _reverse_slug(viewname, slug, prefix, resolver):
    return reverse(viewname, kwargs={"slug": slug}, urlconf=resolver.urlconf_name)


def unique_slug(model, value, *, pk=None, max_length=200, fallback="item"):
    """Return a slug for value that no other row of model uses.

    Latin titles get ASCII slugs ("Marokko’s économie" -> "marokkos-economie"); titles
    in other scripts, such as Arabic, keep their letters as a Unicode slug.
    """
    base = slugify(value) or slugify(value, allow_unicode=True) or fallback
    base = base[:max_length].strip("-")
    slug, n = base, 2
    while model._meta.default_manager.filter(slug=slug).exclude(pk=pk).exists():
        suffix = f"-{n}"
        slug = base[: max_length - len(suffix)].strip("-") + suffix
        n += 1
    return slug
