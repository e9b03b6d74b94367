"""The articles app's models, one module per concern; import them from here."""

from .articles import (
    CARD_DEFERRED,
    Article,
    ArticleQuerySet,
    Author,
    Section,
    bounded_first,
    public_q,
)
from .bylines import ArticleAuthor, ArticleBylinesTags
from .changes import ArticleUpdate, SlugRedirect
from .previews import (
    PreviewLink,
    PreviewLinkQuerySet,
    default_preview_expiry,
    new_preview_token,
)
from .slugs import reverse_slug, unique_slug

__all__ = [
    "CARD_DEFERRED",
    "Article",
    "ArticleAuthor",
    "ArticleBylinesTags",
    "ArticleQuerySet",
    "ArticleUpdate",
    "Author",
    "PreviewLink",
    "PreviewLinkQuerySet",
    "Section",
    "SlugRedirect",
    "bounded_first",
    "default_preview_expiry",
    "new_preview_token",
    "public_q",
    "reverse_slug",
    "unique_slug",
]
