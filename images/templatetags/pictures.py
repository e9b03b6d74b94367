"""picture(): a responsive <picture> from an image's stored renditions, a global
of the public pages' Jinja2 templates (newsroom/jinja2.py).

It only builds URLs and attributes from what is stored on the Image; it never
opens, decodes or resizes a file, so a page request never waits on image processing.
An image without renditions shows nothing (``manage.py make_renditions`` fixes it).
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

# What the browser picks from srcset when it does not know better (old browsers).
FALLBACK_WIDTH = 640


def picture(
    image,
    crop="original",
    *,
    sizes="100vw",
    loading="lazy",
    alt=None,
    priority=False,
    css_class="",
):
    """Return image as <picture> with WebP and JPEG srcsets, or "" without renditions.

    crop is "original" (the image's own shape) or "3:2". loading="eager" with
    priority=True is for the page's largest image (the LCP). alt overrides the
    image's own alt text, e.g. "" where a link next to it says the same.

    Built in Python rather than from an included template: list pages show dozens
    of these, and an include costs several times what the markup itself does.
    """
    if image is None:
        return ""
    jpeg = image.rendition_list(crop, "jpeg")
    if not jpeg:
        return ""
    webp = image.rendition_list(crop, "webp")
    largest = jpeg[-1]
    fallback = next((r for r in jpeg if r.width >= FALLBACK_WIDTH), largest)
    eager = loading == "eager"
    source = ""
    if webp:
        source = format_html(
            '<source type="image/webp" srcset="{}" sizes="{}">\n  ',
            srcset(webp),
            sizes,
        )
    return format_html(
        "<picture{}>\n  {}"
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"'
        ' loading="{}" decoding="{}"{}>\n</picture>',
        format_html(' class="{}"', css_class) if css_class else "",
        source,
        fallback.url,
        srcset(jpeg),
        sizes,
        # The largest rendition's size: the browser reserves the right shape.
        largest.width,
        largest.height,
        image.alt_text if alt is None else alt,
        "eager" if eager else "lazy",
        "auto" if eager else "async",
        mark_safe(' fetchpriority="high"') if priority else "",
    )


def srcset(renditions):
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)
