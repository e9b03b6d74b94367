"""Feed generators that cannot be broken by stored text.

Text stored before the admin cleaned its input (or by any other door) may hold
characters XML cannot carry: Django's XML writer answers a C0 control with an
exception (a 500 for every reader of the feed), U+FFFE/U+FFFF it writes as they
are (a feed no reader can parse). Everything a feed is given goes through xml_safe.
"""

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

from .text import xml_safe


def safe(value):
    """Return value with xml_safe applied to its text, lists and tuples included."""
    if isinstance(value, str):
        return xml_safe(value)
    if isinstance(value, list | tuple):
        return type(value)(safe(item) for item in value)
    return value


class XmlSafeFeedMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(
            *[safe(arg) for arg in args], **{k: safe(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args, **kwargs):
        super().add_item(
            *[safe(arg) for arg in args], **{k: safe(v) for k, v in kwargs.items()}
        )


class XmlSafeRssFeed(XmlSafeFeedMixin, Rss201rev2Feed):
    pass


class XmlSafeAtomFeed(XmlSafeFeedMixin, Atom1Feed):
    pass
