"""Images in real Chromium: the browser picks a fitting rendition, the editor sets a
focal point with a click.

Set IMAGES_SCREENSHOTS=/some/dir to keep screenshots of the image admin and an
article page at 360 and 1280 pixels wide.
"""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from images.models import Image
from tests.browser import NARROW, WIDE, log_in
from tests.factories import make_article, make_author, make_image, make_section
from tests.images import image_files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("IMAGES_SCREENSHOTS")


def screenshot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def article(live_server, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    photo = make_image(
        image_files.upload(
            "kust.jpg", image_files.encode(image_files.photo((2400, 1500)), "JPEG")
        ),
        alt="Heuvels aan de kust onder een ondergaande zon",
        caption="De kust bij Al Hoceima in de avond.",
        credit="Karim Amrani",
        focal_x=0.76,
        focal_y=0.3,
    )
    section = make_section(name="Samenleving")
    author = make_author(name="Samira El Idrissi")
    for n in range(3):
        make_article(
            title=f"Meer nieuws uit de regio, deel {n + 1}",
            section=section,
            authors=[author],
            lead_image=make_image(
                image_files.upload(
                    f"regio-{n}.jpg",
                    image_files.encode(image_files.photo((1600, 1100)), "JPEG"),
                )
            ),
        )
    return make_article(
        title="Zomer aan de Middellandse Zee: drukte in Al Hoceima",
        lead="Meer toeristen dan ooit, en de stad zoekt ruimte.",
        body="<p>De stranden zijn vol.</p>" * 12,
        section=section,
        authors=[author],
        lead_image=photo,
        featured=True,
    )


def current_image(page, selector):
    return page.eval_on_selector(
        selector,
        "img => ({src: img.currentSrc, width: img.naturalWidth, "
        "shown: img.getBoundingClientRect().width, complete: img.complete})",
    )


@pytest.mark.parametrize(("width", "picked"), [(NARROW, 640), (WIDE, 960)])
def test_the_browser_picks_a_webp_that_fits_the_screen(
    new_page, live_server, article, width, picked
):
    page = new_page(width=width, height=900)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else 0)

    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    lead = current_image(page, ".article__image img")
    # The cards below are lazy: they load once scrolled to.
    page.locator(".related").scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    page.locator(".related img").last.wait_for()
    related = current_image(page, ".related img")
    screenshot(page, f"artikel-{width}")
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    card = current_image(page, ".front-lead img")
    screenshot(page, f"voorpagina-{width}")
    page.context.close()

    assert lead["src"].endswith(".webp") and "-orig-" in lead["src"]
    assert re.search(r"/(\d+)x\d+-orig-", lead["src"])[1] == str(picked)
    assert lead["complete"] and lead["width"] > 0
    assert related["complete"] and "-3x2-" in related["src"]
    # The 3:2 crop for the front-page lead; never the original upload.
    assert card["src"].endswith(".webp") and "-3x2-" in card["src"]
    assert "/media/images/" not in lead["src"] + card["src"]
    assert problems == []


def logged_in_context(new_context, live_server, django_user_model, width=WIDE):
    user = django_user_model.objects.create_superuser(
        "hoofdredacteur", "hr@example.org", "geheim-wachtwoord-123"
    )
    return log_in(new_context(width=width, height=900), user, live_server.url)


def test_a_click_on_the_preview_sets_the_focal_point(
    new_context, live_server, article, django_user_model
):
    image = article.lead_image
    context = logged_in_context(new_context, live_server, django_user_model)
    page = context.new_page()
    page.goto(live_server.url + reverse("admin:images_image_changelist"))
    screenshot(page, "beeldbank-1280")
    page.goto(live_server.url + reverse("admin:images_image_change", args=[image.pk]))
    preview = page.locator(".focal-picker__image")
    preview.wait_for()
    box = preview.bounding_box()

    preview.click(position={"x": box["width"] * 0.2, "y": box["height"] * 0.7})

    assert float(page.input_value("#id_focal_x")) == pytest.approx(0.2, abs=0.01)
    assert float(page.input_value("#id_focal_y")) == pytest.approx(0.7, abs=0.01)
    marker = page.locator(".focal-picker__marker").bounding_box()
    assert marker["x"] + marker["width"] / 2 == pytest.approx(
        box["x"] + box["width"] * 0.2, abs=2
    )
    position = page.eval_on_selector(
        ".focal-picker__card-image", "img => img.style.objectPosition"
    )
    assert position.startswith("0%")  # the card crop moved to the left edge
    screenshot(page, "afbeelding-bewerken-1280")
    page.click("input[name=_save]")
    page.wait_for_url("**/images/image/")
    context.close()

    image = Image.objects.get(pk=image.pk)
    assert (round(image.focal_x, 2), round(image.focal_y, 2)) == (0.2, 0.7)
    assert image.renditions_current


def test_the_article_form_previews_the_chosen_lead_image(
    new_context, live_server, article, django_user_model
):
    other = make_image(alt="", caption="Markt in Fès")
    context = logged_in_context(new_context, live_server, django_user_model)
    page = context.new_page()
    page.goto(
        live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    )
    preview = page.locator(".lead-image-preview img")
    assert article.lead_image.rendition(640).url in preview.get_attribute("src")
    page.locator(".field-lead_image").scroll_into_view_if_needed()
    screenshot(page, "artikel-bewerken-1280")

    # What the autocomplete does when an editor picks another image.
    page.evaluate(
        """id => {
            const select = document.getElementById("id_lead_image");
            select.append(new Option("Markt in Fès", id, true, true));
            django.jQuery(select).trigger("change");
        }""",
        str(other.pk),
    )
    page.wait_for_selector(
        f".lead-image-preview img[src$='{other.rendition(640).url}']"
    )
    facts = page.locator(".lead-image-preview__facts").inner_text()
    context.close()

    assert "ontbreekt: nodig om te publiceren" in facts
    assert "Markt in Fès" in facts


def test_a_chosen_file_is_previewed_before_upload(
    new_context, live_server, settings, django_user_model, tmp_path
):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    photo = tmp_path / "markt.jpg"
    photo.write_bytes(image_files.encode(image_files.photo((1200, 900)), "JPEG"))
    context = logged_in_context(
        new_context, live_server, django_user_model, width=NARROW
    )
    page = context.new_page()

    page.goto(live_server.url + reverse("admin:images_image_add"))
    page.set_input_files("#id_file", str(photo))
    page.wait_for_selector(".focal-picker__image[src^='data:image/']")
    page.locator(".focal-picker__image").click(position={"x": 10, "y": 10})
    page.fill("#id_alt", "Kramen op de markt van Fès")
    screenshot(page, "afbeelding-toevoegen-360")
    page.click("input[name=_save]")
    page.wait_for_url("**/images/image/")
    context.close()

    image = Image.objects.get()
    assert image.alt == "Kramen op de markt van Fès"
    assert image.focal_x < 0.1 and image.focal_y < 0.1
    assert image.renditions_current
