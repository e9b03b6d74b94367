"""The Jinja2 engine of the public pages (templates/jinja2/).

Jinja2 compiles a template to Python: rendering the same pages took 15-25 % less CPU
than in the Django template language (front page 3.15 -> 2.8 ms, article 2.6 -> 2.0,
tag page 4.2 -> 3.5 at 100,000 articles; the cards and pictures, built in Python, cost
the same in both). The admin, axes and Django's own apps keep their Django templates
(templates/admin, templates/axes, APP_DIRS).

What the templates need comes from the project's existing functions: the tags of
articles/templatetags and ticker.live.breaking_news() become globals and filters
here, the few Django filters the pages use are Django's own.
"""

import functools
import html
import itertools

import jinja2
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.template.backends import jinja2 as django_jinja2
from django.template.defaulttags import GroupedResult
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_spaces_between_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, ngettext
from markupsafe import Markup

from articles.templatetags import article_tags
from images.templatetags import pictures
from liveblog.templatetags import liveblog_tags
from newsroom.cachetags import fragment
from newsroom.text import xml_safe
from ticker.live import breaking_news


class Jinja2(django_jinja2.Jinja2):
    """Django's Jinja2 backend, with the view's context over the context
    processors', as in the Django template language (Django's backend lets the
    processors win: the front page's own section menu would be read again)."""

    def from_string(self, template_code):
        return Template(super().from_string(template_code).template, self)

    def get_template(self, template_name):
        return Template(super().get_template(template_name).template, self)


class Template(django_jinja2.Template):
    def render(self, context=None, request=None):
        if request is None:
            return super().render(context)
        data = {
            "request": request,
            "csrf_input": django_jinja2.csrf_input_lazy(request),
            "csrf_token": django_jinja2.csrf_token_lazy(request),
        }
        for context_processor in self.backend.template_context_processors:
            data.update(context_processor(request))
        data.update(translators())
        data.update(context or {})
        return super().render(data)


def environment(**options):
    """Return the Jinja2 environment of the public pages."""
    env = jinja2.Environment(
        **{
            **options,
            # A missing value prints nothing and has no attributes, as in Django
            # templates, also with DEBUG (where Django's backend would print its
            # name); the last newline of a file stays, as there.
            "undefined": jinja2.ChainableUndefined,
            "keep_trailing_newline": True,
            "finalize": escape,
            "extensions": ["jinja2.ext.i18n", *options.get("extensions", ())],
        }
    )
    # newstyle: {{ _("Pagina %(n)s", n=n) }}, values escaped and the text markup.
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    # The same, with Django's escaping; a page with a request gets translators()
    # in its context instead of these, which look the language up on every call.
    env.globals.update(
        _=_gettext_global, gettext=_gettext_global, ngettext=_ngettext_global
    )
    env.globals.update(
        static=static,
        url=url,
        now=now,
        article_card=article_tags.article_card,
        headline_time=article_tags.headline_time,
        human_time=article_tags.human_time,
        picture=pictures.picture,
        breaking_news=breaking_news,
        page_fragment=fragment,
        absolute_url=_with_context(article_tags.absolute_url),
        absolute_static=_with_context(article_tags.absolute_static),
        article_share_image=_with_context(article_tags.article_share_image),
        article_json_ld=_with_context(article_tags.article_json_ld),
        front_page_json_ld=_with_context(article_tags.front_page_json_ld),
        list_json_ld=_with_context(article_tags.list_json_ld),
        is_live=liveblog_tags.is_live,
        liveblog_json_ld=_with_context(liveblog_tags.liveblog_json_ld),
    )
    env.filters.update(
        date=date,
        time=time,
        capfirst=defaultfilters.capfirst,
        linebreaksbr=functools.partial(defaultfilters.linebreaksbr, autoescape=True),
        pluralize=defaultfilters.pluralize,
        truncatechars=defaultfilters.truncatechars,
        human_date=article_tags.human_date,
        isotime=article_tags.isotime,
        regroup=regroup,
        spaceless=spaceless,
        xml_safe=xml_safe,
    )
    return env


def escape(value):
    """Escape a value as Django does (' is &#x27; and " &quot;, where Jinja2 writes
    &#39; and &#34;), so that a page's HTML is what the Django template language
    made of it.

    A plain string without quotes is left to Jinja2's own escaping, which treats &,
    < and > alike: most values on a page, at a third of the cost.
    """
    if type(value) is str and "'" not in value and '"' not in value:
        return value
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))


# (language, msgid) -> translation, as gettext() returned it: a page's few dozen
# texts are looked up in a dict instead of through Django's gettext, which finds
# the active translation in a context-local on every call (3 us each).
_translated = {}
MAX_TRANSLATED = 5000


@receiver(setting_changed, dispatch_uid="newsroom_jinja2_translations")
def forget_translations(setting=None, **kwargs):
    """Drop the remembered translations (when the language settings change, as
    Django drops its catalogs)."""
    if setting is None or setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"):
        _translated.clear()


def translators():
    """Return the templates' _, gettext and ngettext, bound to the active language.

    Jinja2's newstyle gettext, with the language looked up once per page. The text
    is markup (a msgid's tags stay tags); the values filled in are escaped as
    Django escapes them, as {{ value }} is.
    """
    language = get_language()

    def lookup(message):
        try:
            return _translated[language, message]
        except KeyError:
            if len(_translated) >= MAX_TRANSLATED:
                _translated.clear()
            text = _translated[language, message] = gettext(message)
            return text

    def translate(message, /, **variables):
        # Formatted even without values, as Jinja2's newstyle gettext: "%%" is "%".
        return Markup(lookup(message) % _escaped(variables))

    def translate_plural(singular, plural, number, /, **variables):
        variables.setdefault("num", number)
        return Markup(ngettext(singular, plural, number) % _escaped(variables))

    return {"_": translate, "gettext": translate, "ngettext": translate_plural}


def _escaped(variables):
    """Return the values escaped as Django escapes them (cheaper than Markup's %)."""
    return {
        name: html.escape(value)
        if type(value) is str
        else value.__html__()
        if hasattr(value, "__html__")
        else html.escape(str(value))
        for name, value in variables.items()
    }


def _gettext_global(message, /, **variables):
    return translators()["gettext"](message, **variables)


def _ngettext_global(singular, plural, number, /, **variables):
    return translators()["ngettext"](singular, plural, number, **variables)


def _with_context(function):
    """Give a Django tag that takes the template context Jinja2's context instead
    (both answer context["request"])."""

    @jinja2.pass_context
    @functools.wraps(function)
    def wrapper(context, *args, **kwargs):
        return function(context, *args, **kwargs)

    return wrapper


def url(viewname, *args, **kwargs):
    """{% url %}: url("articles:tag", tag.slug)."""
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def date(value, arg=None):
    """The date filter, in the current time zone as in Django templates."""
    return defaultfilters.date(timezone.template_localtime(value), arg)


def time(value, arg=None):
    """The time filter, in the current time zone as in Django templates."""
    return defaultfilters.time(timezone.template_localtime(value), arg)


def now(format_string):
    """{% now %}: the current time in the current time zone, formatted."""
    return defaultfilters.date(timezone.localtime(), format_string)


def regroup(items, attribute):
    """{% regroup %}: consecutive items with the same attribute, in their order
    (Jinja2's groupby sorts them first)."""
    return [
        GroupedResult(grouper=grouper, list=list(group))
        for grouper, group in itertools.groupby(
            items, key=lambda item: getattr(item, attribute)
        )
    ]


def spaceless(html):
    """{% spaceless %}, for {% filter spaceless %}: no whitespace between tags."""
    return mark_safe(strip_spaces_between_tags(html.strip()))
