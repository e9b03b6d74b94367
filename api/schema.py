"""Serializers that describe the API's JSON for the OpenAPI description.

The views build their answers in api/representations.py; these only document them
(drf-spectacular reads them), and tests/api/test_schema.py checks that both agree.
"""

from rest_framework import serializers


class LinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.URLField(help_text="The page on the public site.")


class SectionSerializer(LinkSerializer):
    description = serializers.CharField()


class AuthorSerializer(LinkSerializer):
    bio = serializers.CharField()


class BylineSerializer(serializers.Serializer):
    author = LinkSerializer()
    role = serializers.CharField(
        allow_null=True, help_text="tekst, foto, video, graphics, redactie or null."
    )
    role_label = serializers.CharField(allow_null=True)


class RenditionSerializer(serializers.Serializer):
    url = serializers.URLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.ChoiceField(choices=["webp", "jpeg"])
    crop = serializers.ChoiceField(
        choices=["original", "3:2"],
        help_text="original: the image's own shape; 3:2 cropped around its focus.",
    )


class ImageSerializer(serializers.Serializer):
    alt = serializers.CharField(help_text='Alt text; "" for a decorative image.')
    decorative = serializers.BooleanField()
    caption = serializers.CharField()
    credit = serializers.CharField()
    width = serializers.IntegerField(help_text="Of the image; no rendition is wider.")
    height = serializers.IntegerField()
    renditions = RenditionSerializer(many=True)


class ArticleLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    api_url = serializers.URLField()


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="The article's page on the public site.")
    slug = serializers.CharField()
    title = serializers.CharField()
    kicker = serializers.CharField()
    lead = serializers.CharField()
    body = serializers.CharField(
        help_text="Sanitised HTML. Lists leave it out unless fields= names it."
    )
    section = LinkSerializer(allow_null=True)
    tags = LinkSerializer(many=True)
    bylines = BylineSerializer(many=True)
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(
        help_text="The last significant update or correction, else published_at."
    )
    image = ImageSerializer(allow_null=True, help_text="The lead image, or null.")
    related = ArticleLinkSerializer(
        many=True, help_text="Lists leave them out unless fields= names them."
    )


class ArticlePageSerializer(serializers.Serializer):
    results = ArticleSerializer(many=True)
    next = serializers.URLField(
        allow_null=True, help_text="The next page, or null on the last one."
    )


class TagPageSerializer(serializers.Serializer):
    results = LinkSerializer(many=True)
    next = serializers.URLField(allow_null=True)


class AuthorPageSerializer(serializers.Serializer):
    results = AuthorSerializer(many=True)
    next = serializers.URLField(allow_null=True)


class SectionListSerializer(serializers.Serializer):
    results = SectionSerializer(many=True)


class TickerItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    headline = serializers.CharField()
    published_at = serializers.DateTimeField()
    breaking = serializers.BooleanField()
    url = serializers.URLField(allow_null=True, help_text="Where the item links.")
    article = ArticleLinkSerializer(allow_null=True)


class TickerSerializer(serializers.Serializer):
    results = TickerItemSerializer(many=True)


class LiveBlogSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    article = ArticleLinkSerializer(help_text="The article the live blog is.")
    title = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["upcoming", "live", "ended"],
        help_text="upcoming: not started; live: in coverage; ended: frozen.",
    )
    coverage_start = serializers.DateTimeField(allow_null=True)
    coverage_end = serializers.DateTimeField(allow_null=True)
    updates = serializers.IntegerField(help_text="How many updates readers see.")
    updates_url = serializers.URLField(help_text="The updates, newest first.")
    feed_url = serializers.URLField(help_text="An RSS feed of the updates.")


class LiveBlogPageSerializer(serializers.Serializer):
    results = LiveBlogSerializer(many=True)
    next = serializers.URLField(allow_null=True)


class LiveBlogUpdateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(
        help_text="The update's permalink: the page it is on now, at its place."
    )
    title = serializers.CharField()
    body = serializers.CharField(help_text="Sanitised HTML.")
    quote = serializers.CharField()
    quote_source = serializers.CharField()
    image = ImageSerializer(allow_null=True)
    author = LinkSerializer(allow_null=True)
    key_event = serializers.BooleanField()
    pinned = serializers.BooleanField(help_text="The page shows it first.")
    published_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)


class LiveBlogUpdatePageSerializer(serializers.Serializer):
    results = LiveBlogUpdateSerializer(many=True)
    next = serializers.URLField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.CharField(),
        required=False,
        help_text="Per query parameter, what is wrong with it (400).",
    )


class GoneSerializer(serializers.Serializer):
    detail = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    reason = serializers.CharField(help_text="The newsroom's public reason.")
    killed_at = serializers.DateTimeField(allow_null=True)


class RootSerializer(serializers.Serializer):
    articles = serializers.URLField()
    sections = serializers.URLField()
    tags = serializers.URLField()
    authors = serializers.URLField()
    ticker = serializers.URLField()
    liveblogs = serializers.URLField()
    schema = serializers.URLField()
    reference = serializers.URLField()
