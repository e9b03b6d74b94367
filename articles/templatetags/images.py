"""{% picture %}: a responsive <picture> from an image's stored renditions.

The tag only builds URLs and attributes from what is stored on the Image; it never
opens, decodes or resizes a file, so a page request never waits on image processing.
An image without renditions shows nothing (``manage.py make_renditions`` fixes it).
"""

from django import template

register = template.Library()

# What the browser picks from srcset when it does not know better (old browsers).
FALLBACK_WIDTH = 640


@register.inclusion_tag("articles/_picture.html")
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
    """Render image as <picture> with WebP and JPEG srcsets.

    crop is "original" (the image's own shape) or "3:2". loading="eager" with
    priority=True is for the page's largest image (the LCP). alt overrides the
    image's own alt text, e.g. "" where a link next to it says the same.
    """
    if image is None:
        return {"picture": None}
    jpeg = image.rendition_list(crop, "jpeg")
    if not jpeg:
        return {"picture": None}
    webp = image.rendition_list(crop, "webp")
    largest = jpeg[-1]
    fallback = next((r for r in jpeg if r.width >= FALLBACK_WIDTH), largest)
    return {
        "picture": {
            "webp_srcset": srcset(webp),
            "jpeg_srcset": srcset(jpeg),
            "src": fallback.url,
            "sizes": sizes,
            # The largest rendition's size: the browser reserves the right shape.
            "width": largest.width,
            "height": largest.height,
            "alt": image.alt_text if alt is None else alt,
            "loading": "eager" if loading == "eager" else "lazy",
            "decoding": "auto" if loading == "eager" else "async",
            "fetchpriority": "high" if priority else "",
            "css_class": css_class,
        }
    }


def srcset(renditions):
    return ", ".join(f"{r.url} {r.width}w" for r in renditions)
