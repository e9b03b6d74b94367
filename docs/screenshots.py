"""Make the screenshots for docs/redactie.md from the real application.

    .venv/bin/python docs/screenshots.py

Builds a throwaway SQLite database with demo content (pictures drawn by
demo/pictures.py), serves it with runserver on a free loopback port and
photographs the admin and the breaking-news banner with headless Chromium
(/usr/bin/chromium): on a desktop (1280x800) and, for the lists, the dashboard, the
article form and the banner, on a phone too (390x844, names ending in -telefoon).
Writes small PNGs to docs/img/.
"""

import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.request import urlopen

BASE_DIR = Path(__file__).resolve().parent.parent
IMG_DIR = BASE_DIR / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Screenshot-wachtwoord-2026"
SIZE = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_demo_content():
    """Fill the database with a small, realistic newsroom day."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone
    from reversion import create_revision, set_user

    from articles.models import Article, ArticleAuthor, Author, Section
    from demo.pictures import demo_pictures
    from images.images import create_image
    from ticker.models import TickerItem

    call_command("migrate", verbosity=0)
    User = get_user_model()
    people = {}
    for username, first, last, group in [
        ("fatima", "Fatima", "El Amrani", "Verslaggever"),
        ("omar", "Omar", "Idrissi", "Eindredacteur"),
        ("fatima.tanger", "Fatima", "El Amrani", "Verslaggever"),
    ]:
        user = User.objects.create_user(
            username,
            password=PASSWORD,
            first_name=first,
            last_name=last,
            email=f"{username.partition('.')[0]}@"
            + ("marokkonieuws.nl" if "." not in username else "correspondent.ma"),
        )
        user.is_staff = True
        user.save()
        user.groups.add(Group.objects.get(name=group))
        people[username] = user
    fatima, omar = people["fatima"], people["omar"]
    author = Author.objects.create(name="Fatima El Amrani", user=fatima)
    # Namesakes, told apart in the byline picker by their second line.
    Author.objects.create(
        name="Fatima El Amrani",
        slug="fatima-el-amrani-tanger",
        user=people["fatima.tanger"],
    )
    Author.objects.create(
        name="Fatima El Amrani",
        slug="fatima-el-amrani-foto",
        bio="Freelance fotograaf in Agadir; werkt voor de weekendbijlage.",
    )
    Author.objects.create(name="Omar Idrissi", user=omar)
    pictures = [
        create_image(
            picture.file,
            created_by=omar,
            alt=picture.alt,
            caption=picture.caption,
            credit=picture.credit,
            focal_x=picture.focal_x,
            focal_y=picture.focal_y,
        )
        for picture in demo_pictures(10)
    ]
    news = Section.objects.create(name="Nieuws")
    economy = Section.objects.create(name="Economie")
    now = timezone.now()

    def article(title, status, published_at=None, section=news, by=fatima, **kw):
        with create_revision():
            set_user(by)
            item = Article.objects.create(
                title=title,
                lead=kw.pop("lead", f"{title}: de belangrijkste feiten op een rij."),
                body=kw.pop(
                    "body",
                    "<p>De gemeente bevestigde het nieuws vanochtend."
                    "</p><p>Bewoners reageren verdeeld.</p>",
                ),
                status=status,
                published_at=published_at,
                section=section,
                created_by=by,
                updated_by=by,
                **kw,
            )
            ArticleAuthor.objects.create(article=item, author=author)
        return item

    published = Article.Status.PUBLISHED
    for days, (title, picture) in enumerate(
        [
            ("Nieuwe tramlijn in Casablanca geopend", 3),
            (
                "Regen brengt na zeven droge jaren eindelijk verlichting voor de "
                "boeren in de Souss-vallei",
                4,
            ),
            ("Haven van Tanger Med breekt containerrecord", 6),
            (
                "Filmmakers uit de hele wereld in Marrakech voor het internationale "
                "filmfestival",
                None,
            ),
            ("Dirham stabiel na rentebesluit centrale bank", None),
            ("Nieuwe vluchten tussen Eindhoven en Nador vanaf de zomer", 2),
            ("Universiteit van Fez opent onderzoekscentrum voor zonne-energie", 5),
        ]
    ):
        for extra in range(days % 3 + 1):
            article(
                title if not extra else f"{title} ({extra + 1})",
                published,
                now - timedelta(days=days * 3 + extra, hours=2),
                section=economy if days % 2 else news,
                lead_image=pictures[picture] if picture is not None else None,
            )
    for hours, headline in [
        (3, "Kort nieuws: file op de A1 tussen Rabat en Casablanca na ongeval"),
        (
            7,
            "Koning Mohammed VI ontvangt de Spaanse premier in Rabat voor overleg "
            "over de gezamenlijke organisatie van het WK 2030",
        ),
        (30, "Treinverkeer tussen Tanger en Kenitra hervat na storing"),
        (55, "Bank Al-Maghrib houdt de rente op 2,75 procent"),
        (80, "Atlas Leeuwen spelen oefenwedstrijd tegen Senegal in Agadir"),
        (150, "Nieuwe vluchten tussen Brussel en Oujda vanaf maart"),
    ]:
        TickerItem.objects.create(
            headline=headline,
            published_at=now - timedelta(hours=hours),
            created_by=omar,
        )
    article(
        "Waterschaarste: steden in het zuiden rantsoeneren",
        Article.Status.REVIEW,
        lead="Agadir en Tiznit sluiten de kranen 's nachts.",
    )
    article("Gesprek met de nieuwe burgemeester van Rabat", Article.Status.REVIEW)
    article(
        "Verkiezingsuitslag: de analyse",
        published,
        (now + timedelta(days=1)).replace(hour=7, minute=0),
        by=omar,
    )
    article(
        "Filmmaker Nabil Ayouch over zijn nieuwe speelfilm",
        published,
        (now + timedelta(days=1)).replace(hour=16, minute=30),
        by=omar,
    )
    article(
        "Nieuw museum in Rabat gaat open",
        published,
        (now + timedelta(days=3)).replace(hour=10, minute=30),
        by=omar,
    )
    draft = article(
        "Ramadan in Nederland: een rondgang langs moskeeën",
        Article.Status.DRAFT,
        lead="Hoe vieren Marokkaanse Nederlanders de vastenmaand?",
    )
    live = Article.objects.get(title="Nieuwe tramlijn in Casablanca geopend")
    with create_revision():
        set_user(omar)
        live.title = "Nieuwe tramlijn in Casablanca feestelijk geopend"
        live.body = (
            "<p>De gemeente bevestigde het nieuws vanochtend; de tram rijdt elke "
            "zes minuten.</p><p>Bewoners reageren verdeeld.</p>"
        )
        live.updated_by = omar
        live.save()
    TickerItem.objects.create(
        headline="Aardbeving van 5,2 voelbaar in Al Hoceima en Nador; nog geen "
        "meldingen van schade",
        published_at=now - timedelta(minutes=4),
        is_breaking=True,
        created_by=omar,
    )
    return {"draft": draft.pk, "live": live.pk}


def optimise(png):
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=0)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def shoot(page, name, selector=None):
    if selector:
        page.locator(selector).first.scroll_into_view_if_needed()
    path = IMG_DIR / f"{name}.png"
    path.write_bytes(optimise(page.screenshot()))
    print(f"{path.relative_to(BASE_DIR)}: {path.stat().st_size // 1024} KiB")


def log_in(browser, url, username, size=SIZE):
    page = browser.new_page(viewport=size)
    page.goto(f"{url}/beheer/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def photograph(url, ids):
    from playwright.sync_api import sync_playwright

    admin = f"{url}/beheer/articles/article"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        for size, suffix in [(SIZE, ""), (PHONE, "-telefoon")]:
            reporter = log_in(browser, url, "fatima", size)
            reporter.goto(f"{admin}/add/")
            reporter.fill("#id_title", "Nieuwe markt in Tetouan")
            reporter.fill("#id_lead", "De overdekte markt opent volgende week.")
            reporter.locator(".field-body .ProseMirror:visible").first.click()
            reporter.keyboard.type("Handelaars verhuizen deze week naar de nieuwe hal.")
            reporter.locator("#id_title").scroll_into_view_if_needed()
            shoot(reporter, "01-schrijven" + suffix)
            reporter.locator("#bylines-group").scroll_into_view_if_needed()
            shoot(reporter, "01-auteursregel" + suffix)
            if not suffix:
                # The byline picker: namesakes with a second line.
                reporter.locator("#bylines-group .select2-selection").first.click()
                reporter.locator(".select2-search__field").fill("Fatima")
                reporter.locator(".author-choice__detail").first.wait_for()
                shoot(reporter, "01-auteur-kiezen")
                reporter.keyboard.press("Escape")
                reporter.locator(".workflow-row").last.scroll_into_view_if_needed()
                shoot(reporter, "02-aanbieden")
            reporter.close()

            editor = log_in(browser, url, "omar", size)
            editor.goto(f"{url}/beheer/")
            shoot(editor, "03-dashboard" + suffix)
            editor.goto(f"{admin}/")
            shoot(editor, "11-artikellijst" + suffix)
            editor.goto(f"{url}/beheer/ticker/tickeritem/")
            shoot(editor, "12-tickerlijst" + suffix)
            if not suffix:
                editor.goto(f"{url}/beheer/")
                editor.locator(".dashboard-chart").scroll_into_view_if_needed()
                shoot(editor, "04-grafiek")
                photograph_editor_desk(editor, url, admin, ids)
            editor.close()

            reader = browser.new_page(viewport=size)
            reader.goto(f"{url}/")
            reader.locator(".breaking-banner__item").first.wait_for()
            shoot(reader, "14-breaking" + suffix)
            reader.close()
        browser.close()


def photograph_editor_desk(editor, url, admin, ids):
    editor.goto(f"{admin}/{ids['draft']}/change/")
    editor.locator(".field-published_at").scroll_into_view_if_needed()
    shoot(editor, "05-publiceren")

    editor.goto(f"{admin}/{ids['live']}/change/")
    editor.locator("fieldset.live-change").scroll_into_view_if_needed()
    shoot(editor, "06-correctie")
    editor.locator(".field-kill_reason").scroll_into_view_if_needed()
    shoot(editor, "07-intrekken")

    editor.goto(f"{admin}/{ids['live']}/history/")
    editor.get_by_role("link", name="Wat is er veranderd").first.click()
    editor.wait_for_load_state("networkidle")
    shoot(editor, "08-versies")

    editor.goto(f"{admin}/{ids['draft']}/change/")
    editor.get_by_role("button", name="Opslaan en voorbeeldlink maken").first.click()
    editor.wait_for_load_state("networkidle")
    shoot(editor, "09-voorbeeldlink")

    editor.goto(f"{url}/beheer/ticker/tickeritem/add/")
    shoot(editor, "10-ticker")


def run_site(make_content, photograph, **extra_env):
    """Fill a throwaway SQLite site with make_content(), serve it with runserver and
    call photograph(url, ids) against it."""
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "CACHE_URL": "dummy://",
            **extra_env,
        }
        os.environ.update(env)
        sys.path.insert(0, str(BASE_DIR))
        ids = make_content()
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                f"127.0.0.1:{port}",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urlopen(f"{url}/beheer/login/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            photograph(url, ids)
        finally:
            server.terminate()
            server.wait(timeout=10)


def main():
    run_site(make_demo_content, photograph, PAGE_CACHE_SECONDS="0")


if __name__ == "__main__":
    main()
