"""The JSON shapes of the API's objects, built as plain dicts from model rows.

Built by hand rather than by serializer instances: a list of 20 articles is one
query and a few dict literals per article, well under the front page's CPU. The
serializers in api/schema.py describe the same shapes for the OpenAPI description;
a test checks that both list the same fields.
"""

from django.urls import reverse
from django.utils import timezone

from articles.html import sanitize_html
from articles.models import ArticleAuthor, ArticleBylinesTags, reverse_slug
from images.images import renditions_of

ARTICLE_FIELDS = (
    "id",
    "url",
    "slug",
    "title",
    "kicker",
    "lead",
    "body",
    "section",
    "tags",
    "bylines",
    "published_at",
    "updated_at",
    "image",
    "related",
)
# Lists leave out the body (most of the bytes) and the related articles (one more
# query) unless fields= asks for them.
LIST_FIELDS = tuple(name for name in ARTICLE_FIELDS if name not in {"body", "related"})
ROLES = dict(ArticleAuthor.Role.choices)
IMAGE_CROPS = ("original", "3:2")
IMAGE_FORMATS = ("webp", "jpeg")


def iso(moment):
    """Return an aware datetime as ISO 8601 with its offset, in the site's zone."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat()


class Builder:
    """Build the dicts of one request: absolute URLs from its host and scheme."""

    def __init__(self, request):
        self.request = request
        self.origin = request.build_absolute_uri("/")[:-1]
        # "/api/v1/articles/0/" without its "0/": one reverse() per request.
        self.api_article_prefix = reverse("api:article-detail", kwargs={"pk": 0})[:-2]
        self.role_labels = {role: str(label) for role, label in ROLES.items()}

    def absolute(self, path):
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.origin}{path}"

    def section(self, section):
        if section is None:
            return None
        return {
            "id": section.pk,
            "name": section.name,
            "slug": section.slug,
            "url": self.absolute(section.get_absolute_url()),
        }

    def section_full(self, section):
        return {**self.section(section), "description": section.description}

    def tag(self, pk, name, slug):
        return {
            "id": pk,
            "name": name,
            "slug": slug,
            "url": self.absolute(reverse_slug("articles:tag", slug)),
        }

    def author(self, pk, name, slug):
        return {
            "id": pk,
            "name": name,
            "slug": slug,
            "url": self.absolute(reverse_slug("articles:author", slug)),
        }

    def image(self, article):
        if article.lead_image is None:
            return None
        return self.library_image(article.lead_image, article.image_caption)

    def library_image(self, image, caption):
        """Return a library image with its renditions, or None without any."""
        renditions = [
            {
                "url": self.absolute(rendition.url),
                "width": rendition.width,
                "height": rendition.height,
                "format": fmt,
                "crop": crop,
            }
            for crop in IMAGE_CROPS
            for fmt in IMAGE_FORMATS
            for rendition in renditions_of(image.renditions, crop, fmt)
        ]
        if not renditions:
            # As on the pages: an image without renditions is left out, never
            # replaced by the original.
            return None
        return {
            "alt": image.alt_text,
            "decorative": image.decorative,
            "caption": caption,
            "credit": image.credit,
            "width": image.width,
            "height": image.height,
            "renditions": renditions,
        }

    def article_link(self, pk, slug):
        return {
            "id": pk,
            "url": self.absolute(reverse_slug("articles:detail", slug)),
            "api_url": f"{self.origin}{self.api_article_prefix}{pk}/",
        }

    def article(self, article, fields, related=None):
        """Return the chosen fields of article; related: its related links."""
        values = {}
        for name in fields:
            if name == "id":
                values[name] = article.pk
            elif name == "url":
                values[name] = self.absolute(article.get_absolute_url())
            elif name == "slug":
                values[name] = article.slug
            elif name == "title":
                values[name] = article.title
            elif name == "kicker":
                values[name] = article.kicker
            elif name == "lead":
                values[name] = article.lead
            elif name == "body":
                # save() cleans it already; again on the way out, as the page does,
                # for rows written around save().
                values[name] = sanitize_html(article.body)
            elif name == "section":
                values[name] = self.section(article.section)
            elif name == "tags":
                values[name] = [self.tag(*tag) for tag in bylines_and_tags(article)[1]]
            elif name == "bylines":
                values[name] = [
                    {
                        "author": self.author(pk, author_name, slug),
                        "role": role or None,
                        "role_label": self.role_labels.get(role, role) or None,
                    }
                    for pk, author_name, slug, role in bylines_and_tags(article)[0]
                ]
            elif name == "published_at":
                values[name] = iso(article.published_at)
            elif name == "updated_at":
                values[name] = iso(article.modified_at)
            elif name == "image":
                values[name] = self.image(article)
            elif name == "related":
                values[name] = related or []
        return values


def bylines_and_tags(article):
    """Return article's bylines ([author id, name, slug, role]) and tags ([id, name,
    slug]) as articles/bylines_tags.py stores them: from the row
    with_bylines_tags() joined, else read from the tables (Article.byline and
    tag_list)."""
    try:
        stored = article.bylines_tags
    except ArticleBylinesTags.DoesNotExist:
        stored = None
    if stored is not None:
        return stored.bylines, stored.tags
    return (
        [
            [byline.author.pk, byline.author.name, byline.author.slug, byline.role]
            for byline in article.byline
        ],
        [[tag.pk, tag.name, tag.slug] for tag in article.tag_list],
    )


def modified(articles):
    """Return the latest public modification among articles, or None."""
    return max((article.modified_at for article in articles), default=None)
