"""Every public page passes the Nu HTML Checker and axe-core, in real Chromium.

Both tools come from the npm registry through tests/a11y/package.json (vnu-jar carries
a current checker, run with Java; axe-core is injected into the page). `make test` runs
`npm ci` there when node_modules is missing; so does this module when npm is present.
"""

import io
import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from articles.models import Article
from liveblog.models import LiveBlog
from tests.browser import (
    AXE_JS,
    VNU_JAR,
    WIDE,
    missing_java,
    missing_npm,
    unavailable,
)
from tests.factories import (
    make_article,
    make_author,
    make_image,
    make_section,
    make_ticker_item,
)
from tests.liveblog.helpers import make_liveblog, make_update, make_updates

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
SEEDS = Path(__file__).resolve().parents[2] / "seeds"
# WCAG 2.2 A and AA, and axe's best practices (landmarks, one h1, heading order).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(scope="module")
def node_modules():
    """Install vnu-jar and axe-core from the lock file when they are missing."""
    if not (VNU_JAR.exists() and AXE_JS.exists()):
        if reason := missing_npm():
            unavailable(reason)
        result = subprocess.run(
            [shutil.which("npm"), "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            pytest.fail(f"npm ci in {HERE} failed:\n{result.stderr}")
    return NODE_MODULES


@pytest.fixture
def pages(live_server):
    """Fill the site the way the newsroom does and return the public pages."""
    call_command("import_seeds", str(SEEDS), stdout=io.StringIO())
    now = timezone.now()
    economie = make_section(name="Economie", description="Geld, werk en handel.")
    make_section(name="Sport")
    samira = make_author(name="Samira El Idrissi", bio="Correspondent in Rabat.")
    karim = make_author(name="Karim Amrani")
    make_article(
        title="Haven van Tanger Med verwerkt recordaantal containers",
        kicker="Analyse",
        lead="De haven groeit harder dan verwacht, dankzij nieuwe routes naar Azië.",
        body="<p>De haven verwerkte <strong>tien miljoen</strong> containers.</p>"
        "<h2>Nieuwe routes</h2><ul><li>Azië</li><li>West-Afrika</li></ul>"
        "<blockquote><p>Een historisch jaar.</p></blockquote>"
        "<table><tr><th>Jaar</th><th>Containers</th></tr>"
        "<tr><td>2025</td><td>10 miljoen</td></tr></table>",
        section=economie,
        tags=["Tanger", "Havens"],
        authors=[samira, (karim, "foto")],
        featured=True,
        lead_image=make_image(
            alt="Containerschepen aan de kade van Tanger Med",
            caption="De kade van Tanger Med.",
            credit="Karim Amrani",
        ),
        published_at=now - timedelta(minutes=20),
    )
    for n in range(3):
        make_article(
            title=f"Handelsbericht {n} over de groei van de export",
            section=economie,
            tags=["Havens"],
            authors=[samira],
            lead_image=make_image() if n % 2 else None,
            published_at=now - timedelta(days=n + 1),
        )
    liveblog = make_liveblog(
        article=make_article(
            title="Aardbeving in de Atlas: de laatste stand",
            lead="Volg hier de ontwikkelingen na de aardbeving.",
            section=economie,
            authors=[samira],
            published_at=now - timedelta(hours=2),
        )
    )
    make_updates(liveblog, 24)
    make_update(
        liveblog,
        title="Hulpgoederen onderweg",
        body="<p>De eerste vrachtwagens met <strong>tenten</strong> vertrekken.</p>",
        quote="We doen wat we kunnen.",
        quote_source="Een hulpverlener",
        image=make_image(alt="Vrachtwagens met hulpgoederen"),
        author=samira,
        key_event=True,
        pinned=True,
    )
    ended = make_liveblog(
        article=make_article(
            title="Verkiezingsavond in Rabat",
            section=economie,
            published_at=now - timedelta(days=2),
        ),
        state=LiveBlog.State.ENDED,
    )
    make_updates(ended, 3)
    make_ticker_item(headline="Breaking: zware regenval in de Rif", is_breaking=True)
    day = timezone.localtime(Article.objects.published().first().published_at)
    return {
        "voorpagina": "/",
        "artikel": Article.objects.get(featured=True).get_absolute_url(),
        "geïmporteerd artikel": Article.objects.get(
            title__startswith="Marokko krijgt AI-datacenter"
        ).get_absolute_url(),
        "rubriek": "/rubriek/economie/",
        "lege rubriek": "/rubriek/sport/",
        "tag": "/tag/havens/",
        "auteur": "/auteur/samira-el-idrissi/",
        "archief": "/archief/",
        "archief per maand": f"/archief/{day.year}/{day.month:02d}/",
        "zoeken": "/zoeken/",
        "zoekresultaten": "/zoeken/?q=haven",
        "geen zoekresultaten": "/zoeken/?q=onvindbaarwoord",
        "laatste nieuws": "/laatste-nieuws/",
        "liveblog": liveblog.article.get_absolute_url(),
        "liveblog, oudere updates": f"/artikel/{liveblog.article.slug}/live/2/",
        "afgelopen liveblog": ended.article.get_absolute_url(),
        "404": "/bestaat-niet/",
    }


def test_pages_pass_the_nu_html_checker(node_modules, pages, tmp_path):
    if reason := missing_java():
        unavailable(reason)
    java = shutil.which("java")
    client = Client()
    files = {}
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == (404 if name == "404" else 200), name
        file = tmp_path / f"{len(files):02d}.html"
        file.write_bytes(response.content)
        files[str(file)] = name

    # One page that is known to be invalid: the checker must find its error.
    broken = tmp_path / "broken.html"
    broken.write_text(
        '<!doctype html><html lang="nl"><head><meta charset="utf-8">'
        "<title>Kapot</title></head><body><p><div>kapot</p></body></html>"
    )
    files[str(broken)] = "kapot"

    result = subprocess.run(
        # --verbose: the checker names each file it checked on stdout.
        [java, "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]
        + ["--verbose", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'), '?')}: "
        f"line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] in {"error", "non-document-error"}
    ]
    checked = {line.strip() for line in result.stdout.splitlines() if line.strip()}

    assert checked == set(files)
    assert any(error.startswith("kapot: ") for error in errors)
    assert [error for error in errors if not error.startswith("kapot: ")] == []


def axe_violations(new_context, url, **context_options):
    # The site's Content-Security-Policy rightly refuses an injected script.
    context = new_context(bypass_csp=True, **context_options)
    page = context.new_page()
    page.goto(url)
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    context.close()
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
    ]


@pytest.mark.parametrize(
    "viewport",
    [
        pytest.param({"width": 1280, "height": 900}, id="desktop"),
        pytest.param({"width": 320, "height": 640}, id="320px"),
        # 200 % zoom of a 1280 px window: 640 CSS pixels, each drawn twice as large.
        pytest.param(
            {"width": 640, "height": 450, "device_scale_factor": 2}, id="zoom-200"
        ),
    ],
)
def test_pages_have_no_axe_violations(
    node_modules, new_context, live_server, pages, viewport
):
    scale = viewport.pop("device_scale_factor", 1)
    problems = {}
    for name, path in pages.items():
        violations = axe_violations(
            new_context,
            live_server.url + path,
            viewport=viewport,
            device_scale_factor=scale,
        )
        if violations:
            problems[name] = violations

    assert problems == {}


@pytest.mark.parametrize("width", [320, 640])
def test_pages_do_not_scroll_sideways(new_context, live_server, pages, width):
    wide = []
    for name, path in pages.items():
        context = new_context(width=width, height=700)
        page = context.new_page()
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth"
            " - document.documentElement.clientWidth"
        )
        context.close()
        if overflow > 0:
            wide.append(f"{name}: {overflow}px")

    assert wide == []


def test_keyboard_focus_is_visible_on_the_search_form(new_context, live_server, pages):
    context = new_context(width=WIDE, height=900)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.focus("#site-search-q")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    page.keyboard.type("haven")
    page.keyboard.press("Enter")
    page.wait_for_url("**/zoeken/?q=haven")
    first_result = page.locator(".search-result__title a").first.inner_text()
    context.close()

    assert outline == "solid"
    assert first_result.startswith("Haven van Tanger Med")
