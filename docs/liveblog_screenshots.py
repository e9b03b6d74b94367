"""Make the live blog screenshots for docs/redactie.md from the real application.

    .venv/bin/python docs/liveblog_screenshots.py

As docs/screenshots.py (whose helpers it uses): a throwaway SQLite database, runserver
on a free loopback port, headless Chromium. Writes docs/img/11-*.png to 16-*.png;
with --reader also the reader's page at 390 and 1280 pixels into a folder of choice.
"""

import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import screenshots  # noqa: E402
from screenshots import CHROMIUM, PASSWORD  # noqa: E402


def make_content():
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from articles.models import Article, ArticleAuthor, Author, Section
    from liveblog.models import LiveBlog, LiveBlogUpdate

    call_command("migrate", verbosity=0)
    omar = get_user_model().objects.create_user(
        "omar", password=PASSWORD, first_name="Omar", last_name="Idrissi"
    )
    omar.is_staff = True
    omar.save()
    omar.groups.add(Group.objects.get(name="Eindredacteur"))
    author = Author.objects.create(name="Omar Idrissi", user=omar)
    news = Section.objects.create(name="Nieuws")
    now = timezone.now()
    article = Article.objects.create(
        title="Live: aardbeving in de Hoge Atlas",
        lead="Een zware aardbeving heeft de provincie Al Haouz getroffen. Volg hier "
        "de laatste ontwikkelingen.",
        body="<p>De beving had volgens het Marokkaanse instituut voor geofysica een "
        "kracht van 6,8.</p>",
        section=news,
        status=Article.Status.PUBLISHED,
        published_at=now - timedelta(hours=2),
    )
    ArticleAuthor.objects.create(article=article, author=author)
    upcoming = LiveBlog.objects.create(article=article)
    for minutes, title, body, key in [
        (110, "Beving gevoeld tot in Marrakech", "Bewoners sliepen buiten.", True),
        (80, "", "Het ministerie meldt dat hulpdiensten onderweg zijn.", False),
        (
            45,
            "Leger ingezet",
            "Militairen helpen bij het zoeken naar overlevenden.",
            True,
        ),
        (20, "", "In Amizmiz staan lange rijen voor het ziekenhuis.", False),
    ]:
        LiveBlogUpdate.objects.create(
            liveblog=upcoming,
            title=title,
            body=f"<p>{body}</p>",
            key_event=key,
            author=author,
            published_at=now - timedelta(minutes=minutes),
        )
    return {"liveblog": upcoming.pk, "article": article.get_absolute_url()}


def photograph(url, ids, reader_dir=None):
    from playwright.sync_api import sync_playwright

    change = f"{url}/beheer/liveblog/liveblog/{ids['liveblog']}/change/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        editor = screenshots.log_in(browser, url, "omar")
        editor.goto(f"{url}/beheer/liveblog/liveblog/add/")
        screenshots.shoot(editor, "11-liveblog-aanmaken")
        editor.goto(change)
        screenshots.shoot(editor, "12-liveblog-live-gaan")
        editor.get_by_role("button", name="Live gaan").click()
        editor.wait_for_load_state("networkidle")
        editor.fill("#id_title", "Hulpgoederen onderweg vanuit Rabat")
        editor.locator(".liveblog-post .ProseMirror:visible").first.click()
        editor.keyboard.type(
            "Twintig vrachtwagens met tenten en water zijn vertrokken."
        )
        editor.check("#id_key_event")
        editor.check("#id_push_to_ticker")
        screenshots.shoot(editor, "13-liveblog-update-plaatsen")
        editor.get_by_role("button", name="Plaatsen").click()
        editor.wait_for_load_state("networkidle")
        editor.locator("#updates").scroll_into_view_if_needed()
        screenshots.shoot(editor, "14-liveblog-lopend")
        editor.goto(change)
        editor.get_by_role("button", name="Verslag beëindigen").click()
        editor.wait_for_load_state("networkidle")
        screenshots.shoot(editor, "15-liveblog-beeindigd")
        if reader_dir:
            editor.goto(change)
            editor.get_by_role("button", name="Verslag heropenen").click()
            for width in (390, 1280):
                page = browser.new_page(viewport={"width": width, "height": 1400})
                for name, address in (
                    ("liveblog", ids["article"]),
                    ("voorpagina", "/"),
                ):
                    page.goto(url + address)
                    path = Path(reader_dir) / f"{name}-{width}.png"
                    path.write_bytes(page.screenshot(full_page=True))
                    print(path)
        reader = browser.new_page(viewport=screenshots.SIZE)
        reader.goto(url + ids["article"])
        screenshots.shoot(reader, "16-liveblog-lezer")
        browser.close()


def main():
    reader_dir = sys.argv[2] if sys.argv[1:2] == ["--reader"] else None
    screenshots.run_site(
        make_content, lambda url, ids: photograph(url, ids, reader_dir)
    )


if __name__ == "__main__":
    main()
