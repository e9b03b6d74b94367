"""Helpers of the public pages' Jinja2 templates (globals and filters that
newsroom/jinja2.py installs): Dutch human dates, absolute URLs and JSON-LD. No
Django template loads them.

Dates say "vandaag 14:03", "gisteren 09:12" or "10 juli 2025". A page that shows
"vandaag" must not be cached past midnight (local time, settings.TIME_ZONE).
"""

import json
from dataclasses import dataclass
from datetime import datetime
from html import escape

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from images.templatetags import pictures

# What json_script escapes: no text in the data can close the script element.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

# The publisher logo for structured data: a raster image, as Google asks for one.
LOGO = "newsroom/logo.png"
LOGO_SIZE = 512


def _local(value, zone):
    return value.astimezone(zone) if timezone.is_aware(value) else value


def _human_date(local, zone, with_time=False):
    today = datetime.now(zone).date()
    # What date_format(local, "H:i") and (below) date_format(local, "j F Y") give,
    # without their lookups: list pages show a few dozen of these. (strftime's
    # "%H:%M" costs ten times the two numbers.)
    clock = f"{local.hour:02}:{local.minute:02}"
    days = (today - local.date()).days
    if days == 0:
        return _("vandaag %(time)s") % {"time": clock}
    if days == 1:
        return _("gisteren %(time)s") % {"time": clock}
    if days == -1:
        return _("morgen %(time)s") % {"time": clock}
    day = f"{local.day} {MONTHS[local.month]} {local.year}"
    return f"{day}, {clock}" if with_time else day


def human_date(value, with_time=False):
    """Return a Dutch, human date: "vandaag 14:03", "gisteren 09:12", "10 juli 2025".

    With with_time, older dates also carry their time: "10 juli 2025, 14:03".
    """
    if not value:
        return ""
    zone = timezone.get_current_timezone()
    return _human_date(_local(value, zone), zone, with_time)


def isotime(value):
    """Return value in ISO 8601 to the second, local time: 2025-07-10T14:03:00+02:00.

    The date filter's "c" keeps microseconds, which HTML's <time datetime> refuses.
    """
    if not value:
        return ""
    return _local(value, timezone.get_current_timezone()).isoformat(timespec="seconds")


def human_time(value, with_time=False):
    """Return a <time> element with a machine-readable datetime and a human date."""
    if not value:
        return ""
    # The current time zone once: each lookup goes through a context-local.
    zone = timezone.get_current_timezone()
    local = _local(value, zone)
    return mark_safe(
        f'<time datetime="{local.isoformat(timespec="seconds")}">'
        f"{escape(_human_date(local, zone, with_time))}</time>"
    )


def headline_time(value):
    """Return a short <time> for a headline list: "14:03" today, else "10 jul"."""
    zone = timezone.get_current_timezone()
    local = _local(value, zone)
    if local.date() == datetime.now(zone).date():
        short = f"{local.hour:02}:{local.minute:02}"
    else:
        # What the date filter's "j b" gives.
        short = f"{local.day} {MONTHS_3[local.month]}"
    return mark_safe(
        f'<time datetime="{local.isoformat(timespec="seconds")}">{escape(short)}</time>'
    )


def absolute_url(context, path):
    """Return path as an absolute URL on the host the request came to."""
    return context["request"].build_absolute_uri(path)


def absolute_static(context, path):
    """Return the absolute URL of a static file."""
    return context["request"].build_absolute_uri(static(path))


def json_ld(data):
    """Return a JSON-LD <script> block, escaped like Django's json_script.

    <, > and & become \\u003C, \\u003E and \\u0026, so no text in the data can close
    the script element. The block is data, not script: the Content-Security-Policy
    does not apply to it and it needs no nonce.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.translate(_JSON_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text)
    )


def _organization(request):
    return {
        "@type": "Organization",
        "@id": request.build_absolute_uri(reverse("articles:index")) + "#organisatie",
        "name": settings.NEWSROOM_SITE_NAME,
        "url": request.build_absolute_uri(reverse("articles:index")),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(LOGO)),
            "width": LOGO_SIZE,
            "height": LOGO_SIZE,
        },
        "sameAs": [url for _name, url in settings.NEWSROOM_SOCIAL_LINKS if url],
    }


def front_page_json_ld(context):
    """Return JSON-LD for the front page: the WebSite with its search, and the
    Organization behind it."""
    request = context["request"]
    home = request.build_absolute_uri(reverse("articles:index"))
    search = request.build_absolute_uri(reverse("articles:search"))
    organization = _organization(request)
    website = {
        "@type": "WebSite",
        "@id": home + "#website",
        "name": settings.NEWSROOM_SITE_NAME,
        "description": settings.NEWSROOM_SITE_TAGLINE,
        "url": home,
        "inLanguage": "nl",
        "publisher": {"@id": organization["@id"]},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{search}?q={{search_term_string}}",
            },
            "query-input": "required name=search_term_string",
        },
    }
    return json_ld(
        {"@context": "https://schema.org", "@graph": [website, organization]}
    )


@dataclass(frozen=True)
class ShareImage:
    url: str
    content_type: str
    length: int
    width: int
    height: int
    alt: str
    credit: str


def share_image(request, article):
    """Return the lead image as feeds, Open Graph and JSON-LD show it, or None.

    That is the image library's share rendition (a JPEG), never the original.
    """
    image = article.lead_image
    rendition = image.share_rendition if image else None
    if rendition is None:
        return None
    return ShareImage(
        url=request.build_absolute_uri(rendition.url),
        content_type=rendition.content_type,
        length=rendition.size,
        width=rendition.width,
        height=rendition.height,
        alt=image.alt_text,
        credit=image.credit,
    )


def article_share_image(context, article):
    """Return share_image() for a template: {% article_share_image a as image %}."""
    return share_image(context["request"], article)


def iso_time(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds")


def news_posting(request, article, kind="NewsArticle", modified_at=None):
    """Return the schema.org description of an article page as kind (NewsArticle,
    or LiveBlogPosting for a live blog): headline, address, authors, publisher,
    section, image and dates. modified_at overrides the article's own."""
    url = request.build_absolute_uri(article.get_absolute_url())
    organization = _organization(request)
    authors = [
        {
            "@type": "Person",
            "name": byline.author.name,
            "url": request.build_absolute_uri(byline.author.get_absolute_url()),
        }
        for byline in article.byline
    ]
    posting = {
        "@type": kind,
        "@id": url + "#artikel",
        "headline": article.title[:110],
        "description": article.lead,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "inLanguage": "nl",
        "isAccessibleForFree": True,
        "author": authors or [{"@id": organization["@id"]}],
        "publisher": organization,
        "keywords": [tag.name for tag in article.tag_list],
    }
    image = share_image(request, article)
    if image:
        posting["image"] = [image.url]
    if article.published_at:
        posting["datePublished"] = iso_time(article.published_at)
        posting["dateModified"] = iso_time(modified_at or article.modified_at)
    if article.section:
        posting["articleSection"] = article.section.name
    return posting


def article_json_ld(context, article):
    """Return JSON-LD for an article page: the NewsArticle and its breadcrumbs."""
    request = context["request"]
    url = request.build_absolute_uri(article.get_absolute_url())
    home = request.build_absolute_uri(reverse("articles:index"))
    crumbs = [(_("Voorpagina"), home)]
    if article.section:
        crumbs.append(
            (
                article.section.name,
                request.build_absolute_uri(article.section.get_absolute_url()),
            )
        )
    crumbs.append((article.title, url))
    return json_ld(
        {
            "@context": "https://schema.org",
            "@graph": [news_posting(request, article), _breadcrumbs(crumbs)],
        }
    )


def _breadcrumbs(crumbs):
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": item}
            for n, (name, item) in enumerate(crumbs, start=1)
        ],
    }


def list_json_ld(context, name, author=None):
    """Return JSON-LD for a section, tag or author page: what the page is, and its
    breadcrumbs (Voorpagina → this page). Only the first page is the page itself."""
    request = context["request"]
    url = request.build_absolute_uri(request.path)
    home = request.build_absolute_uri(reverse("articles:index"))
    page = {
        "@type": "ProfilePage" if author else "CollectionPage",
        "@id": url,
        "url": url,
        "name": name,
        "inLanguage": "nl",
        "isPartOf": {"@id": home + "#website"},
    }
    if author:
        page["mainEntity"] = {
            "@type": "Person",
            "name": author.name,
            "url": url,
            **({"description": author.bio} if author.bio else {}),
        }
    crumbs = _breadcrumbs([(_("Voorpagina"), home), (name, url)])
    return json_ld({"@context": "https://schema.org", "@graph": [page, crumbs]})


def article_card(
    article, *, level=3, large=False, compact=False, hide_section=False, live=False
):
    """Return a teaser of article: image, kicker, headline, lead, section and date.

    large is the front page's lead story (a larger, eagerly loaded image); level the
    headline's level; compact leaves out the lead; hide_section the section link
    (in a section's own block); live a "LIVE" label (a live blog in coverage).

    Built in Python rather than from an included template: a list page shows up to
    fifty of these, and the include cost five times what the markup does. Text is
    escaped with html.escape, which is what django.utils.html.escape runs, without
    the lazy-string wrapper around it (a fifth of the card's time).
    """
    url = escape(article.get_absolute_url())
    level = int(level)
    parts = ['<article class="card', " card--large" if large else ""]
    image = article.lead_image
    if image is not None and image.renditions:
        # alt="": the link is hidden from screen readers, the headline link says it all.
        if large:
            picture = pictures.picture(
                image,
                "3:2",
                sizes="(min-width: 76rem) 47rem, (min-width: 56rem) 62vw, 100vw",
                loading="eager",
                priority=True,
                alt="",
            )
        else:
            picture = pictures.picture(
                image, "3:2", sizes="(min-width: 40rem) 24rem, 7rem", alt=""
            )
        if picture:
            parts += [
                ' card--image">\n  <a class="card__image" href="',
                url,
                '" tabindex="-1" aria-hidden="true">',
                picture,
                "</a>",
            ]
        else:
            parts.append('">')
    else:
        parts.append('">')
    parts.append('\n  <div class="card__body">\n    ')
    if live or article.kicker:
        parts.append('<p class="kicker">')
        if live:
            parts.append(f'<span class="live-label">{escape(_("Live"))}</span> ')
        parts += [escape(article.kicker), "</p>\n    "]
    parts += [
        f'<h{level} class="card__title" dir="auto"><a href="',
        url,
        '">',
        escape(article.title),
        f"</a></h{level}>\n    ",
    ]
    if article.lead and not compact:
        parts += [
            '<p class="card__lead" dir="auto">',
            escape(article.lead),
            "</p>\n    ",
        ]
    parts.append('<p class="meta">')
    section = article.section
    if section is not None and not hide_section:
        parts += [
            '<a class="meta__section" href="',
            escape(section.get_absolute_url()),
            '">',
            escape(section.name),
            "</a> ",
        ]
    parts += [human_time(article.published_at), "</p>\n  </div>\n</article>"]
    return mark_safe("".join(parts))
