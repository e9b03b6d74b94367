"""manage.py import_seeds, through call_command (and once as a real process)."""

import html
import io
import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from articles.models import Article, Section
from seedimport.models import SeedRecord
from tests.factories import make_article, make_ticker_item, make_user
from tests.helpers import manage
from ticker.models import TickerItem

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
REAL_SEED = PROJECT / "seeds" / "000_e9d6fcdb7608355c.txt"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TITLE = "Marokko krijgt AI-datacenter, ondersteund door Zuid-Koreaanse techgigant Naver"
ARTICLE = "Een titel\nEen intro.\nEen alinea.\n"


@pytest.fixture(autouse=True)
def now():
    """Freeze the clock on the evening of 11 July 2025, after the seed's last time."""
    moment = datetime(2025, 7, 11, 18, 0, tzinfo=AMSTERDAM)
    with time_machine.travel(moment, tick=False):
        yield moment


@pytest.fixture
def seeds(tmp_path, settings):
    """Return a seeds folder holding the real seed file, set as SEEDS_DIR."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(REAL_SEED, folder)
    settings.SEEDS_DIR = folder
    return folder


def run(*args):
    """Run import_seeds; return its stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_seeds", *args, stdout=out, stderr=err, no_color=True)
    return out.getvalue(), err.getvalue()


def fail(*args):
    """Run import_seeds expecting it to fail; return the error, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_seeds", *args, stdout=out, stderr=err, no_color=True)
    return error.value, out.getvalue(), err.getvalue()


def snapshot():
    """Return every row the importer could touch, to prove that nothing changed."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (TickerItem, Article, Section, SeedRecord)
    }


def write(folder, name, content):
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def test_real_seed_gives_nine_ticker_items_and_one_article(seeds, client):
    out, err = run()

    assert err == ""
    assert out.splitlines() == [
        "000_e9d6fcdb7608355c.txt (date 2025-07-11): "
        "created 10, unchanged 0, kept 0, skipped 1",
        "Total: 1 file, 0 failed; created 10, unchanged 0, kept 0, skipped 1; "
        "date used: 2025-07-11.",
    ]
    live = list(TickerItem.objects.live())
    assert len(live) == TickerItem.objects.count() == 9
    assert live[0].headline.startswith("Marokko bevestigt in Dakar")
    assert live[0].published_at == datetime(2025, 7, 11, 17, 7, tzinfo=AMSTERDAM)
    assert live[-1].published_at == datetime(2025, 7, 11, 13, 50, tzinfo=AMSTERDAM)
    assert all(item.is_visible for item in live)

    article = Article.objects.get()
    assert article.title == TITLE
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == datetime(2025, 7, 11, 17, 7, tzinfo=AMSTERDAM)
    assert article.section.name == "Nieuws"
    assert article.lead.startswith("Marokko staat op het punt")
    assert article.body.count("<p>") == 8
    assert list(Article.objects.published()) == [article]

    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert TITLE in text
    assert article.lead in text
    paragraphs = REAL_SEED.read_text().splitlines()[12:]
    assert len(paragraphs) == 8
    for paragraph in paragraphs:
        assert paragraph.strip() in text
    assert "Volg ons op Facebook" not in article.body

    front = client.get("/")
    assert front.status_code == 200
    front_text = html.unescape(front.content.decode())
    assert TITLE in front_text
    assert all(item.headline in front_text for item in live)  # the ticker


def test_import_log_records_source_key_and_record(seeds):
    run()

    entries = list(SeedRecord.objects.all())
    assert len(entries) == 10
    assert {entry.source for entry in entries} == {"000_e9d6fcdb7608355c.txt"}
    article_entry = SeedRecord.objects.get(kind=SeedRecord.Kind.ARTICLE)
    assert (article_entry.line, article_entry.key) == (11, TITLE)
    assert article_entry.record == Article.objects.get()
    assert all(entry.state() == SeedRecord.State.UNCHANGED for entry in entries)


def test_second_run_changes_nothing_and_says_so(seeds):
    run()
    before = snapshot()

    out, err = run()

    assert snapshot() == before
    assert err == ""
    assert "created 0, unchanged 10, kept 0, skipped 1" in out
    assert "Nothing new: everything in these files was imported before." in out


def test_second_run_on_a_later_day_changes_nothing(seeds, now):
    run()
    before = snapshot()

    with time_machine.travel(datetime(2025, 7, 20, 9, 0, tzinfo=AMSTERDAM)):
        out, _ = run()

    assert snapshot() == before
    assert "created 0, unchanged 10" in out


def test_rerun_needs_the_same_few_queries_however_long_the_file(
    tmp_path, django_assert_max_num_queries
):
    short = "".join(f"- 12:{n:02}Kop {n}\n" for n in range(2)) + ARTICLE
    long = "".join(f"- 12:{n:02}Kop {n}\n" for n in range(50)) + "Ander\nIntro\n"
    write(tmp_path, "kort.txt", short)
    write(tmp_path, "lang.txt", long)
    run(str(tmp_path))

    # The log, the ticker and the articles are read once each, plus the savepoint.
    with django_assert_max_num_queries(5):
        run(str(tmp_path / "kort.txt"))
    with django_assert_max_num_queries(5):
        run(str(tmp_path / "lang.txt"))


def test_edited_article_survives_a_reimport(seeds):
    run()
    article = Article.objects.get()
    article.title = "Redactie-titel"
    article.lead = "Door de redactie herschreven intro."
    article.save()

    out, _ = run()

    assert Article.objects.count() == 1
    article.refresh_from_db()
    assert article.title == "Redactie-titel"
    assert article.lead == "Door de redactie herschreven intro."
    assert f"kept, edited since import: line 11: article {TITLE!r}" in out
    assert "created 0, unchanged 9, kept 1, skipped 1" in out
    entry = SeedRecord.objects.get(kind=SeedRecord.Kind.ARTICLE)
    assert entry.state() == SeedRecord.State.EDITED


def test_article_moved_to_another_section_counts_as_edited(seeds):
    run()
    article = Article.objects.get()
    article.section = Section.objects.create(name="Economie")
    article.save()

    out, _ = run()

    article.refresh_from_db()
    assert article.section.name == "Economie"
    assert "kept 1" in out


def test_edited_headline_does_not_come_back_as_a_duplicate(seeds):
    run()
    item = TickerItem.objects.get(headline__startswith="Washington legt")
    item.headline = "VS leggen zes landen nieuwe tarieven op"
    item.save()

    out, _ = run()

    assert TickerItem.objects.count() == 9
    assert not TickerItem.objects.filter(headline__startswith="Washington").exists()
    assert "kept, edited since import: line 2: ticker item 'Washington legt" in out


def test_hidden_ticker_item_stays_hidden(seeds):
    run()
    TickerItem.objects.filter(headline__startswith="Donald Trump").update(
        is_visible=False
    )

    out, _ = run()

    assert TickerItem.objects.live().count() == 8
    assert "kept 1" in out


def test_deleted_records_are_not_resurrected(seeds):
    run()
    Article.objects.get().delete()
    TickerItem.objects.get(headline__startswith="Nvidia").delete()

    out, _ = run()

    assert Article.objects.count() == 0
    assert TickerItem.objects.count() == 8
    assert "created 0, unchanged 8, kept 2, skipped 1" in out
    assert (
        "kept, deleted since import (not restored): line 8: ticker item 'Nvidia" in out
    )


def test_deleting_the_log_entry_allows_a_reimport(seeds):
    run()
    TickerItem.objects.get(headline__startswith="Nvidia").delete()
    SeedRecord.objects.get(key__startswith="Nvidia").delete()

    out, _ = run()

    assert TickerItem.objects.count() == 9
    assert "created 1, unchanged 9" in out


def test_dry_run_writes_nothing(seeds):
    before = snapshot()

    out, err = run("--dry-run", "-v", "2")

    assert snapshot() == before
    assert err == ""
    assert "would create 10, unchanged 0, kept 0, skipped 1" in out
    assert f"line 11: title of the article, would create: {TITLE!r}" in out
    assert "Dry run: nothing was written." in out


def test_dry_run_after_an_import_reports_unchanged(seeds):
    run()
    before = snapshot()

    out, _ = run("--dry-run")

    assert snapshot() == before
    assert "would create 0, unchanged 10" in out


def test_dry_run_sees_earlier_files_of_the_same_run(tmp_path):
    write(tmp_path, "001.txt", "- 10:00Gedeelde kop\n" + ARTICLE)
    write(tmp_path, "002.txt", "- 10:00Gedeelde kop\nAnder stuk\nIntro\n")

    dry, _ = run(str(tmp_path), "--dry-run")
    real, _ = run(str(tmp_path))

    assert (
        "[2/2] 002.txt (date 2025-07-11): would create 1, unchanged 0, kept 0, " in dry
    )
    assert "[2/2] 002.txt (date 2025-07-11): created 1, unchanged 0, kept 0, " in real


def test_explicit_date(seeds):
    out, _ = run("--date", "2025-07-01")

    assert TickerItem.objects.latest().published_at == datetime(
        2025, 7, 1, 17, 7, tzinfo=AMSTERDAM
    )
    assert "date used: 2025-07-01" in out


def test_default_date_is_yesterday_when_the_newest_time_is_still_ahead(seeds):
    with time_machine.travel(datetime(2025, 7, 11, 15, 0, tzinfo=AMSTERDAM)):
        out, _ = run()

        assert TickerItem.objects.live().count() == 9

    assert Article.objects.get().published_at == datetime(
        2025, 7, 10, 17, 7, tzinfo=AMSTERDAM
    )
    assert "(date 2025-07-10)" in out


def test_future_date_schedules_and_warns(seeds):
    out, _ = run("--date", "2025-07-12")

    assert TickerItem.objects.count() == 9
    assert TickerItem.objects.live().count() == 0
    assert not Article.objects.published().exists()
    assert "some times are still in the future" in out


@pytest.mark.parametrize("value", ["11-07-2025", "2025-02-30", "gisteren"])
def test_bad_date_is_an_argument_error(seeds, value):
    error, _, _ = fail("--date", value)

    assert error.returncode == 2
    assert str(error).startswith(f"--date: {value!r} is not a")
    assert TickerItem.objects.count() == 0


def test_files_and_folders_are_imported_in_name_order(tmp_path):
    folder = tmp_path / "map"
    folder.mkdir()
    write(folder, "002_b.txt", "- 09:00Kop B\nTitel B\nIntro B\n")
    write(folder, "001_a.txt", "- 08:00Kop A\nTitel A\nIntro A\n")
    write(folder, "notities.md", "geen seed")
    write(folder, ".001_a.txt.swp", b"\x00")
    extra = write(tmp_path, "003_c.seed", "- 10:00Kop C\nTitel C\nIntro C\n")

    out, _ = run(str(extra), str(folder), str(folder / "001_a.txt"))

    lines = out.splitlines()
    assert lines[0].startswith("[1/3] 001_a.txt (date 2025-07-11): created 2")
    assert lines[1].startswith("[2/3] 002_b.txt")
    assert lines[2].startswith("[3/3] 003_c.seed")
    assert lines[3].startswith("Total: 3 files, 0 failed; created 6,")
    assert Article.objects.count() == 3


def test_verbose_output_lists_every_line(seeds):
    out, _ = run("-v", "2")

    assert "  line 1: ticker 17:07, created: 'Marokko bevestigt" in out
    assert "  line 10: boilerplate, skipped: 'Volg ons op Facebook'" in out
    assert f"  line 11: title of the article, created: {TITLE!r}" in out
    assert "  line 12: lead: 'Marokko staat op het punt" in out
    assert "  line 20: body: 'De betrokkenheid van Marokko" in out
    assert len([line for line in out.splitlines() if line.startswith("  line ")]) == 20


def test_quiet_output_is_empty(seeds):
    out, err = run("-v", "0")

    assert (out, err) == ("", "")
    assert Article.objects.count() == 1


def test_warnings_are_reported_and_the_file_imported(tmp_path):
    path = write(
        tmp_path,
        "w.txt",
        "- 17:00Kop\u2028met scheiding\n- 16:00\n- 15:00 Kop\u202e omgekeerd\n"
        + ARTICLE,
    )

    out, _ = run(str(path))

    assert "warning: w.txt, line 1: replaced control character U+2028" in out
    assert "warning: w.txt, line 2: ticker line without a headline" in out
    assert "warning: w.txt, line 3: removed bidi override" in out
    assert "created 3, unchanged 0, kept 0, skipped 1" in out
    assert set(TickerItem.objects.values_list("headline", flat=True)) == {
        "Kop met scheiding",
        "Kop omgekeerd",
    }


def test_same_headline_in_two_files_is_imported_once(tmp_path):
    write(tmp_path, "001.txt", "- 10:00Gedeelde kop\n" + ARTICLE)
    write(tmp_path, "002.txt", "- 11:00Nieuwe kop\n- 10:00Gedeelde kop\n" + ARTICLE)

    out, _ = run(str(tmp_path), "-v", "2")

    assert TickerItem.objects.count() == 2
    assert Article.objects.count() == 1
    assert (
        "  line 2: ticker 10:00, skipped (already imported from 001.txt): "
        "'Gedeelde kop'" in out
    )


def test_records_already_on_the_site_are_not_duplicated(seeds):
    make_article(title=TITLE)
    make_ticker_item(
        headline="Donald Trump benoemt Sean Duffy tot waarnemend NASA-directeur"
    )

    out, _ = run("-v", "2")

    assert Article.objects.count() == 1
    assert TickerItem.objects.count() == 9
    assert "skipped (already on the site, not seeded)" in out


def test_default_section_comes_from_the_setting(seeds, settings):
    settings.NEWSROOM_DEFAULT_SECTION = "Marokko"
    Section.objects.create(name="Nieuws")

    run()

    assert Article.objects.get().section.name == "Marokko"


# Bad input: a clear message, the right exit status, the database as it was.

BAD_FILES = {
    "empty": (b"", "leeg.txt: the file is empty"),
    "blank": (b"\r\n  \n", "leeg.txt: the file is empty"),
    "latin-1": (
        "- 10:00Kop\nCafé".encode("latin-1") + b"\nIntro\n",
        "leeg.txt, line 2: not UTF-8: byte 0xE9 at byte offset 14",
    ),
    "binary": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "leeg.txt, line 3: binary content: a NUL byte at byte offset 8",
    ),
    "utf-16": (("- 10:00Kop\n" + ARTICLE).encode("utf-16"), "UTF-16 text"),
    "bad time": (
        ("- 17:07Goed\n- 25:61Fout\n" + ARTICLE).encode(),
        "leeg.txt, line 2: 25:61 is not a valid time (00:00 to 23:59)",
    ),
    "nothing to import": (
        b"- 17:07\nVolg ons op Facebook\n",
        "leeg.txt: nothing to import: no ticker items and no article",
    ),
    "title only": (b"- 17:07Kop\nTitel\n", "line 2: the article has a title but no"),
    "long line": (
        ("- 17:07Kop\nTitel\n" + "x" * 20_000).encode(),
        "leeg.txt, line 3: the line is 20,000 characters long",
    ),
    "long headline": (
        ("- 17:07" + "k" * 161 + "\n" + ARTICLE).encode(),
        "leeg.txt, line 1: ticker item: headline: Ensure this value has at most 160 "
        "characters (it has 161).",
    ),
    "long title": (
        ("- 17:07Kop\n" + "t" * 201 + "\nIntro\n").encode(),
        "leeg.txt, line 2: article: title: Ensure this value has at most 200 "
        "characters (it has 201).",
    ),
    "long lead": (
        ("- 17:07Kop\nTitel\n" + "i" * 601 + "\n").encode(),
        "leeg.txt, line 2: article: lead: Ensure this value has at most 600 "
        "characters (it has 601).",
    ),
}


@pytest.mark.parametrize("content,message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_fails_clearly_and_leaves_the_database_as_it_was(
    tmp_path, content, message
):
    make_ticker_item(headline="Er stond al iets")
    before = snapshot()
    path = write(tmp_path, "leeg.txt", content)

    error, out, err = fail(str(path))

    assert snapshot() == before
    assert error.returncode == 1
    assert str(error) == "1 of 1 seed files failed and were not imported: leeg.txt"
    assert message in err
    assert "FAILED: nothing of leeg.txt was imported." in err
    assert "Total: 1 file, 1 failed; created 0" in out


def test_one_bad_file_among_good_ones(seeds):
    write(seeds, "001_kapot.txt", "- 17:07Kop uit kapot bestand\n- 25:61Fout\n")
    write(seeds, "002_goed.txt", "- 12:00Kop uit goed bestand\nTitel\nIntro\n")

    error, out, err = fail()

    assert error.returncode == 1
    assert "001_kapot.txt" in str(error)
    assert "[2/3] 001_kapot.txt, line 2: 25:61 is not a valid time" in err
    assert "[3/3] 002_goed.txt (date 2025-07-11): created 2" in out
    assert "Total: 3 files, 1 failed; created 12," in out
    assert TickerItem.objects.count() == 10
    assert not TickerItem.objects.filter(headline__contains="kapot").exists()
    assert Article.objects.count() == 2


def test_a_failing_file_leaves_nothing_of_itself_behind(tmp_path):
    # The ticker items validate and are written before the article fails.
    path = write(tmp_path, "half.txt", "- 17:07Kop een\n- 16:00Kop twee\n" + "t" * 201)
    write(tmp_path, "z.txt", "Titel\nIntro\n")

    fail(str(path))

    assert TickerItem.objects.count() == 0
    assert SeedRecord.objects.count() == 0
    assert Section.objects.count() == 0


def test_missing_path_is_an_argument_error(tmp_path, seeds):
    error, out, err = fail(str(seeds), str(tmp_path / "bestaat-niet"))

    assert error.returncode == 2
    assert str(error) == f"{tmp_path / 'bestaat-niet'} does not exist"
    assert TickerItem.objects.count() == 0


def test_missing_default_folder(settings, tmp_path):
    settings.SEEDS_DIR = tmp_path / "seeds"

    error, _, _ = fail()

    assert str(error) == f"{tmp_path / 'seeds'} does not exist"


def test_empty_folder_is_reported(tmp_path):
    out, _ = run(str(tmp_path))

    assert out == f"No seed files (*.txt) in {tmp_path}.\n"


def test_two_files_with_the_same_name_are_refused(tmp_path, seeds):
    other = tmp_path / "elders"
    other.mkdir()
    shutil.copy(REAL_SEED, other)

    error, _, _ = fail(str(seeds), str(other))

    assert error.returncode == 2
    assert "have the same name" in str(error)


def test_file_name_that_is_not_utf8_is_refused(tmp_path):
    write(tmp_path, os.fsdecode(b"caf\xe9.txt"), "- 12:00Kop\n" + ARTICLE)

    error, _, _ = fail(str(tmp_path))

    assert error.returncode == 2
    assert "the file name must be printable UTF-8 text" in str(error)
    assert TickerItem.objects.count() == 0


def test_interrupted_run_keeps_finished_files(tmp_path, monkeypatch):
    from seedimport.management.commands import import_seeds

    write(tmp_path, "001.txt", "- 12:00Kop\n" + ARTICLE)
    write(tmp_path, "002.txt", "- 12:00Andere kop\nTitel\nIntro\n")
    load_seed = import_seeds.load_seed

    def interrupt_second(path):
        if path.name == "002.txt":
            raise KeyboardInterrupt
        return load_seed(path)

    monkeypatch.setattr(import_seeds, "load_seed", interrupt_second)

    error, _, _ = fail(str(tmp_path))

    assert error.returncode == 130
    assert str(error).startswith("Interrupted after 1 of 2 files: those stay imported")
    assert TickerItem.objects.get().headline == "Kop"


def test_import_log_is_read_only_in_the_admin(seeds, client):
    run()
    client.force_login(make_user(is_superuser=True))

    changelist = client.get("/beheer/seedimport/seedrecord/")
    entry = SeedRecord.objects.get(kind=SeedRecord.Kind.ARTICLE)
    change = client.get(f"/beheer/seedimport/seedrecord/{entry.pk}/change/")
    add = client.get("/beheer/seedimport/seedrecord/add/")

    assert changelist.status_code == 200
    assert "000_e9d6fcdb7608355c.txt" in changelist.content.decode()
    assert "ongewijzigd" in changelist.content.decode()
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert add.status_code == 403


def test_command_line_run_fails_without_a_traceback(tmp_path):
    """Run manage.py as ops do: a bad file gives exit 1 and a message, no traceback."""
    write(tmp_path, "001_goed.txt", "- 12:00Kop\nTitel\nIntro\n")
    write(tmp_path, "002_binair.txt", b"PK\x03\x04\x00\x00")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    assert manage(env, "migrate", "-v0").returncode == 0

    result = manage(env, "import_seeds", tmp_path, "--date", "2025-07-11")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "[2/2] 002_binair.txt, line 1: binary content" in result.stderr
    assert result.stderr.rstrip().endswith(
        "CommandError: 1 of 2 seed files failed and were not imported: 002_binair.txt"
    )
    assert "[1/2] 001_goed.txt (date 2025-07-11): created 2" in result.stdout

    missing = manage(env, "import_seeds", tmp_path / "weg")
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr
    assert "does not exist" in missing.stderr
