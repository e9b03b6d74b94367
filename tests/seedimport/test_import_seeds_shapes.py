"""import_seeds on scraped pages in every shape, and on files it must refuse."""

import html
import itertools
import os
import re
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from articles.models import Article, Section
from seedimport.models import SeedRecord
from tests.seedimport.test_import_seeds_command import fail, run
from ticker.models import TickerItem

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
REAL_SEED = PROJECT / "seeds" / "000_e9d6fcdb7608355c.txt"
REAL_LINES = REAL_SEED.read_text(encoding="utf-8").splitlines(keepends=True)
REAL_TICKER = "".join(REAL_LINES[:9])
REAL_ARTICLE = "".join(REAL_LINES[10:]).rstrip("\n") + "\n"
TITLE = "Marokko krijgt AI-datacenter, ondersteund door Zuid-Koreaanse techgigant Naver"
ARTICLE = "Een titel\nEen intro.\nEen alinea.\n"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Written independently of the parser: a line that starts with a time after a dash
# or a bullet, or without one: "17:07", or "17.07" before a headline (glued as scraped,
# or a capital letter).
TICKER_LIKE = re.compile(
    r"[-\u2010-\u2015\u2212•‣⁃▪●·*]\s*\d{1,2}\s*(:\s*\d{2}|\.\s*\d{2}(?!\d))"
    r"|\d{1,2}\s*:\s*\d{2}(?!\s*uur)"
    r"|\d{1,2}\.\d{2}([^\W\d_]| [A-Z])"
)


@pytest.fixture(autouse=True)
def now():
    moment = datetime(2025, 7, 11, 18, 0, tzinfo=AMSTERDAM)
    with time_machine.travel(moment, tick=False):
        yield moment


def write(folder, name, content):
    path = folder / name
    path.write_text(content, encoding="utf-8")
    return path


def snapshot():
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (TickerItem, Article, Section, SeedRecord)
    }


def paragraphs(article):
    return [html.unescape(p) for p in re.findall(r"<p>(.*?)</p>", article.body)]


@pytest.mark.parametrize(
    "content",
    [
        REAL_ARTICLE + "Volg ons op Facebook\n" + REAL_TICKER,
        REAL_ARTICLE + REAL_TICKER,
        "Volg ons op Facebook\n" + REAL_ARTICLE + "\n\n" + REAL_TICKER,
    ],
    ids=["with boilerplate", "without boilerplate", "boilerplate first"],
)
def test_article_first_page_gives_nine_ticker_items_and_a_clean_article(
    tmp_path, content
):
    path = write(tmp_path, "omgekeerd.txt", content)

    out, err = run(str(path))
    before = snapshot()
    again, _ = run(str(path))

    assert err == ""
    assert "omgekeerd.txt (date 2025-07-11): created 10, unchanged 0" in out
    assert TickerItem.objects.count() == 9
    article = Article.objects.get()
    assert article.title == TITLE
    assert len(paragraphs(article)) == 8
    assert not any(TICKER_LIKE.match(p) for p in paragraphs(article))
    assert "Marokko bevestigt" not in article.body
    assert article.published_at == datetime(2025, 7, 11, 17, 7, tzinfo=AMSTERDAM)
    assert snapshot() == before
    assert "created 0, unchanged 10" in again


def test_ticker_only_file_imports_its_items_and_says_there_is_no_article(tmp_path):
    path = write(tmp_path, "ticker.txt", "Laatste nieuws\n" + REAL_TICKER)

    out, err = run(str(path))
    before = snapshot()
    again, _ = run(str(path))

    assert err == ""
    assert out.splitlines()[0] == (
        "ticker.txt (date 2025-07-11): created 9, unchanged 0, kept 0, skipped 1; "
        "no article in this file"
    )
    assert TickerItem.objects.count() == 9
    assert not Article.objects.exists()
    assert not Section.objects.exists()
    assert snapshot() == before
    assert "created 0, unchanged 9, kept 0, skipped 1; no article in this file" in again


def test_article_only_file_imports_its_article(tmp_path):
    path = write(tmp_path, "stuk.txt", REAL_ARTICLE)

    out, _ = run(str(path))

    assert "stuk.txt (date 2025-07-11): created 1, unchanged 0" in out
    assert "no article" not in out
    assert Article.objects.get().title == TITLE
    assert not TickerItem.objects.exists()


def test_sloppy_ticker_is_read_with_one_warning_for_all_its_lines(tmp_path):
    sloppy = REAL_TICKER.replace("- ", "– ")
    path = write(tmp_path, "endash.txt", sloppy + REAL_ARTICLE)

    out, _ = run(str(path))

    assert (
        "warning: endash.txt, lines 1–9: sloppy ticker line (an en dash (U+2013) "
        "instead of a dash); read as a ticker item" in out
    )
    assert out.count("warning:") == 1
    assert TickerItem.objects.count() == 9
    assert TickerItem.objects.latest().published_at == datetime(
        2025, 7, 11, 17, 7, tzinfo=AMSTERDAM
    )
    assert Article.objects.get().title == TITLE


def test_invisible_headlines_are_not_published(tmp_path):
    path = write(
        tmp_path,
        "onzichtbaar.txt",
        "- 17:30\u200b\u200d\n- 17:20   \n- 17:10Zicht\u2060baar\n" + ARTICLE,
    )

    out, _ = run(str(path))

    assert list(TickerItem.objects.values_list("headline", flat=True)) == ["Zichtbaar"]
    assert (
        "warning: onzichtbaar.txt, line 1: ticker line without a headline (only "
        "invisible characters)" in out
    )
    assert "warning: onzichtbaar.txt, line 2: ticker line without a headline" in out
    assert SeedRecord.objects.get(kind=SeedRecord.Kind.TICKER).key == "Zichtbaar"


def test_ambiguous_file_stops_naming_the_line_and_writes_nothing(tmp_path):
    path = write(
        tmp_path, "midden.txt", "Titel\nIntro\nAlinea\n- 17:07Kop\nNog een alinea\n"
    )
    write(tmp_path, "goed.txt", "- 12:00Kop uit goed bestand\n")
    before = snapshot()

    error, out, err = fail(str(path))

    assert error.returncode == 1
    assert "midden.txt, line 4: a ticker line between two runs of text" in err
    assert "FAILED: nothing of midden.txt was imported." in err
    assert snapshot() == before


def test_dry_run_verbose_shows_what_every_line_was_taken_for(tmp_path):
    path = write(
        tmp_path,
        "gemengd.txt",
        "- 17:07Kop een\n"
        "-16.30Kop twee\n"
        "- 12.50 euro per liter\n"
        "\n"
        "Volg ons op Facebook\n"
        "Titel\n"
        "Intro\n"
        "Alinea\n"
        "- 14:00\u200b\n",
    )
    before = snapshot()

    out, err = run(str(path), "--dry-run", "-v", "2")

    assert snapshot() == before
    assert err == ""
    listing = [line for line in out.splitlines() if line.startswith("  line ")]
    assert listing == [
        "  line 1: ticker 17:07, would create: 'Kop een'",
        "  line 2: ticker 16:30 (written '-16.30'), would create: 'Kop twee'",
        "  line 3: skipped (unclear ticker line): '- 12.50 euro per liter'",
        "  line 5: boilerplate, skipped: 'Volg ons op Facebook'",
        "  line 6: title of the article, would create: 'Titel'",
        "  line 7: lead: 'Intro'",
        "  line 8: body: 'Alinea'",
        "  line 9: skipped (no headline): '- 14:00'",
    ]
    assert (
        "warning: gemengd.txt, line 3: '- 12.50 euro per liter' looks like a ticker "
        "line, but '12.50' may be a number rather than a time" in out
    )


def test_every_generated_variant_imports_without_a_ticker_line_in_an_article(
    tmp_path,
):
    # The parser's tests try many more; these are the shapes written to the site.
    markers = ["- ", "-", "– ", "• ", ""]
    times = ["17:07", "17.07", "17 : 07", "12.50"]
    glues = ["Kop {n}", " euro {n}"]
    shapes = [
        "{line}\nTitel {n}\nIntro\nAlinea\n",
        "Titel {n}\nIntro\nAlinea\n{line}\n",
        "Titel {n}\nIntro\nAlinea\nVolg ons op Facebook\n{line}\n- 10:00Vaste kop\n",
    ]
    variants = itertools.product(markers, times, glues, shapes)
    for n, (marker, moment, glue, shape) in enumerate(variants):
        line = marker + moment + glue.format(n=n)
        write(tmp_path, f"{n:03}.txt", shape.format(line=line, n=n))

    out, err = run(str(tmp_path))

    assert err == ""
    assert Article.objects.count() == len(markers) * len(times) * len(glues) * 3
    for article in Article.objects.all():
        for text in [article.title, article.lead, *paragraphs(article)]:
            assert not TICKER_LIKE.match(text), (article.title, text)
    assert TickerItem.objects.filter(headline__startswith="Kop").exists()
    assert "looks like a ticker line, but '12.50' may be a number" in out


def test_symlinked_seed_file_is_refused(tmp_path, settings):
    secret = tmp_path / "systeem"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\nTweede regel\nDerde\n")
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(REAL_SEED, folder)
    (folder / "001_link.txt").symlink_to(secret)
    (folder / "002_dood.txt").symlink_to(tmp_path / "bestaat-niet")

    error, out, err = fail(str(folder))

    assert error.returncode == 1
    assert str(error) == (
        "2 of 3 seed files failed and were not imported: 001_link.txt, 002_dood.txt"
    )
    assert (
        "[2/3] 001_link.txt: the file is a symbolic link; seed files must be regular "
        "files (copy the file into the folder instead of linking it)" in err
    )
    assert "[3/3] 002_dood.txt: the file is a symbolic link" in err
    assert not Article.objects.filter(title__startswith="root").exists()
    assert Article.objects.get().title == TITLE  # the real file still imports


def test_symlink_named_on_the_command_line_is_refused(tmp_path):
    target = write(tmp_path, "echt.txt", "- 12:00Kop\n" + ARTICLE)
    link = tmp_path / "link.txt"
    link.symlink_to(target)

    error, _, err = fail(str(link))

    assert error.returncode == 1
    assert "link.txt: the file is a symbolic link" in err
    assert not TickerItem.objects.exists()


def test_a_fifo_named_like_a_seed_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pijp.txt"
    os.mkfifo(fifo)

    error, _, err = fail(str(fifo))

    assert error.returncode == 2
    assert "is not a file or folder" in str(error)


def test_verbose_rerun_lists_edited_and_unchanged_lines(tmp_path):
    path = write(tmp_path, "stuk.txt", "- 12:00Kop\n- 11:00Tweede kop\n" + ARTICLE)
    run(str(path))
    Article.objects.filter(title="Een titel").update(title="Redactie-titel")

    out, _ = run(str(path), "-v", "2")

    assert out.splitlines()[1:6] == [
        "  line 1: ticker 12:00, unchanged (imported before): 'Kop'",
        "  line 2: ticker 11:00, unchanged (imported before): 'Tweede kop'",
        "  line 3: title of the article, kept, edited since import: 'Een titel'",
        "  line 4: lead: 'Een intro.'",
        "  line 5: body: 'Een alinea.'",
    ]
    assert out.count("kept, edited since import") == 1


def test_a_linked_folder_is_read_but_links_inside_it_are_not(tmp_path):
    real = tmp_path / "echt"
    real.mkdir()
    write(real, "001.txt", "- 12:00Kop\n" + ARTICLE)
    outside = write(tmp_path, "buiten.txt", "- 11:00Van buiten\nTitel\nIntro\n")
    (real / "002.txt").symlink_to(outside)
    (tmp_path / "seeds").symlink_to(real)

    error, out, err = fail(str(tmp_path / "seeds"))

    assert "[1/2] 001.txt (date 2025-07-11): created 2" in out
    assert "[2/2] 002.txt: the file is a symbolic link" in err
    assert error.returncode == 1
    assert not TickerItem.objects.filter(headline="Van buiten").exists()
