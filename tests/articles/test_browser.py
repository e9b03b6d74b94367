"""The public site and the article editor in real Chromium.

Set FOUNDATION_SCREENSHOTS=/some/dir to keep full-page screenshots of the pages the
layout test visits, at every width.
"""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.browser import NARROW, WIDE, log_in, open_page
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_image_file,
    make_section,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [320, NARROW, 768, WIDE, 1920]
SCREENSHOTS = os.environ.get("FOUNDATION_SCREENSHOTS")


@pytest.fixture
def site(live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    now = timezone.now()
    sections = [
        make_section(name=name, order=n)
        for n, name in enumerate(["Politiek", "Economie", "Sport", "Cultuur"])
    ]
    samira = make_author(name="Samira El Idrissi", bio="Correspondent in Rabat.")
    karim = make_author(name="Karim Amrani")
    make_article(
        title="Marokko krijgt AI-datacenter, ondersteund door Zuid-Koreaanse "
        "techgigant Naver",
        kicker="Technologie",
        lead="Marokko staat op het punt een belangrijke AI-hub te worden.",
        body="<p>Het project beoogt <strong>500 megawatt</strong>.</p>"
        "<h2>Energie</h2><ul><li>TAQA levert stroom</li></ul>"
        "<blockquote><p>Een cruciaal moment.</p></blockquote>"
        "<table><tr><th>Fase</th><th>Megawatt</th></tr>"
        "<tr><td>Eerste fase, vierde kwartaal van 2025</td><td>40</td></tr></table>",
        section=sections[1],
        tags=["AI", "Energie", "Marokko"],
        authors=[samira, (karim, "foto")],
        featured=True,
        lead_image=make_image(
            make_image_file("datacenter.jpg"),
            alt="Bouwterrein aan de kust",
            caption="Het terrein waar het datacenter moet komen.",
            credit="Karim Amrani",
        ),
        published_at=now - timedelta(minutes=30),
    )
    for n in range(12):
        make_article(
            title=f"Bericht {n}: een kop die lang genoeg is om over regels te lopen",
            kicker="Analyse" if n % 3 == 0 else "",
            section=sections[n % 4],
            tags=["Marokko"],
            authors=[samira],
            lead_image=make_image(make_image_file(f"beeld-{n}.jpg")) if n % 2 else None,
            published_at=now - timedelta(hours=n + 1),
        )
    make_article(
        title="المغرب يطلق مركز بيانات للذكاء الاصطناعي",
        section=sections[1],
        published_at=now - timedelta(days=1),
    )
    return live_server.url


def public_urls():
    day = timezone.localtime(Article.objects.published().first().published_at)
    return {
        "voorpagina": "/",
        "artikel": Article.objects.get(featured=True).get_absolute_url(),
        "arabisch": Article.objects.get(title__startswith="المغرب").get_absolute_url(),
        "rubriek": "/rubriek/economie/",
        "tag": "/tag/marokko/",
        "auteur": "/auteur/samira-el-idrissi/",
        "archief": f"/archief/{day.year}/{day.month:02d}/",
    }


def test_public_pages_fit_every_width_without_errors(new_page, site):
    for name, path in public_urls().items():
        for width in WIDTHS:
            page, problems = open_page(new_page, site + path, width=width)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth"
                " - document.documentElement.clientWidth"
            )
            if SCREENSHOTS:
                page.screenshot(
                    path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True
                )
            page.context.close()
            assert overflow <= 0, f"{name} scrolls sideways at {width}px"
            assert problems == [], f"{name} at {width}px: {problems}"


def test_skip_link_appears_on_focus_and_jumps_to_the_content(new_page, site):
    page, _ = open_page(new_page, site + "/", width=NARROW)

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    box = page.locator(".skip-link").bounding_box()
    page.keyboard.press("Enter")

    assert focused == "Naar de inhoud"
    assert box["y"] >= 0
    assert page.url.endswith("#inhoud")
    page.context.close()


def test_headings_are_in_order_on_public_pages(new_page, site):
    for name, path in public_urls().items():
        page, _ = open_page(new_page, site + path)
        levels = page.evaluate(
            "[...document.querySelectorAll('main h1, main h2, main h3, main h4')]"
            ".map(h => Number(h.tagName[1]))"
        )
        page.context.close()
        assert levels[0] == 1, name
        assert levels.count(1) == 1, name
        for previous, level in zip(levels, levels[1:], strict=False):
            assert level <= previous + 1, f"{name}: h{previous} then h{level}"


def logged_in_context(new_context, live_server, django_user_model):
    user = django_user_model.objects.create_superuser(
        "hoofdredacteur", "hr@example.org", "geheim-wachtwoord-123"
    )
    return log_in(new_context(width=WIDE, height=900), user, live_server.url)


def test_body_editor_writes_rich_text_that_is_saved(
    new_context, live_server, settings, django_user_model
):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    context = logged_in_context(new_context, live_server, django_user_model)
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(live_server.url + "/beheer/articles/article/add/")
    page.fill("#id_title", "Geschreven in de editor")
    editor = page.locator(".prose-editor .tiptap")
    editor.click()
    page.keyboard.type("Een alinea met ")
    page.keyboard.press("Control+b")
    page.keyboard.type("nadruk")
    page.keyboard.press("Control+b")
    page.keyboard.press("Enter")
    page.keyboard.type("- eerste punt")
    page.keyboard.press("Enter")
    page.keyboard.type("tweede punt")
    page.click("input[name=_save]")
    page.wait_for_url("**/beheer/articles/article/")
    context.close()

    assert problems == []
    body = Article.objects.get(title="Geschreven in de editor").body
    assert body == (
        "<p>Een alinea met <strong>nadruk</strong></p>"
        "<ul><li><p>eerste punt</p></li><li><p>tweede punt</p></li></ul>"
    )


def test_tags_are_suggested_and_the_chosen_image_is_previewed(
    new_context, live_server, settings, django_user_model, tmp_path
):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    make_article(tags=["Marokko", "Marrakech", "economie"])
    image = tmp_path / "haven.jpg"
    image.write_bytes(make_image_file().read())
    context = logged_in_context(new_context, live_server, django_user_model)
    page = context.new_page()

    page.goto(live_server.url + "/beheer/articles/article/add/")
    page.locator("#id_tags").press_sequentially("economie, Mar", delay=30)
    # The admin's CSP forbids eval, so wait with a locator, not wait_for_function.
    page.locator("#id_tags_suggestions option").nth(1).wait_for(state="attached")
    suggestions = page.eval_on_selector_all(
        "#id_tags_suggestions option", "options => options.map(o => o.value)"
    )
    page.goto(live_server.url + "/beheer/images/image/add/")
    page.set_input_files("#id_file", str(image))
    page.wait_for_selector(".focal-picker__image[src^='data:image/']")
    context.close()

    assert suggestions == ["economie, Marokko, ", "economie, Marrakech, "]
