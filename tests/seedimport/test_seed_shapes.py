"""The seed parser on real scraped pages in every shape, without the database."""

import itertools
import re
from datetime import time
from pathlib import Path

import pytest

from seedimport.parser import SeedError, load_seed, parse_seed

REAL_SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_e9d6fcdb7608355c.txt"
REAL_LINES = REAL_SEED.read_text(encoding="utf-8").splitlines()
REAL_TICKER = "\n".join(REAL_LINES[:9]) + "\n"
REAL_ARTICLE = "\n".join(REAL_LINES[10:]) + "\n"
BOILERPLATE = "Volg ons op Facebook\n"

ARTICLE = "Titel van het stuk\nDe intro.\nEerste alinea.\nTweede alinea.\n"
TICKER = "- 17:07Kop een\n- 16:30 Kop twee\n"

# Written independently of the parser: a line that starts with a time after a dash
# or a bullet, or without one: "17:07", or "17.07" before a headline (glued as scraped,
# or a capital letter).
TICKER_LIKE = re.compile(
    r"[-\u2010-\u2015\u2212•‣⁃▪●·*]\s*\d{1,2}\s*(:\s*\d{2}|\.\s*\d{2}(?!\d))"
    r"|\d{1,2}\s*:\s*\d{2}(?!\s*uur)"
    r"|\d{1,2}\.\d{2}([^\W\d_]| [A-Z])"
)


def parse(text, source="test.txt"):
    return parse_seed(text, source=source)


def article_lines(seed):
    article = seed.article
    return [article.title, article.lead, *article.paragraphs] if article else []


def roles(seed):
    return [(line.line, line.role) for line in seed.lines]


# Orders: the ticker before the article, after it, both, or alone.


def test_real_seed_lines_are_each_taken_for_what_they_are():
    seed = load_seed(REAL_SEED)

    assert roles(seed) == [
        *((n, "ticker") for n in range(1, 10)),
        (10, "boilerplate"),
        (11, "title"),
        (12, "lead"),
        *((n, "body") for n in range(13, 21)),
    ]
    assert seed.lines[0].detail == "17:07"


@pytest.mark.parametrize("between", ["", BOILERPLATE, "\n" + BOILERPLATE + "\n"])
def test_article_first_then_the_ticker(between):
    seed = parse(REAL_ARTICLE + between + REAL_TICKER)
    real = load_seed(REAL_SEED)

    assert [(t.time, t.headline) for t in seed.ticker] == [
        (t.time, t.headline) for t in real.ticker
    ]
    assert seed.article.title == real.article.title
    assert seed.article.lead == real.article.lead
    assert seed.article.paragraphs == real.article.paragraphs
    assert seed.article.line == 1
    assert seed.warnings == ()


def test_boilerplate_anywhere():
    text = (
        BOILERPLATE
        + "Laatste nieuws\n"
        + TICKER
        + "Advertentie\n"
        + "Titel\nDeel dit artikel\nIntro\nAlinea\n"
        + "Lees ook:\n- 12:00Kop drie\nReacties (3)\n"
    )
    seed = parse(text)

    assert [t.headline for t in seed.ticker] == ["Kop een", "Kop twee", "Kop drie"]
    assert article_lines(seed) == ["Titel", "Intro", "Alinea"]
    assert [s.line for s in seed.skipped] == [1, 2, 5, 7, 10, 12]
    assert seed.warnings == ()


def test_ticker_before_and_after_the_article():
    seed = parse("- 17:07Boven\n" + ARTICLE + "- 16:00Onder\n- 15:00Verder onder\n")

    assert [(t.line, t.headline) for t in seed.ticker] == [
        (1, "Boven"),
        (6, "Onder"),
        (7, "Verder onder"),
    ]
    assert seed.article.paragraphs == ("Eerste alinea.", "Tweede alinea.")


def test_midnight_is_read_across_the_article():
    seed = parse("- 00:10Na middernacht\n" + ARTICLE + "- 23:55Ervoor\n")

    assert [t.days_back for t in seed.ticker] == [0, 1]
    assert seed.lines[-1].detail == "23:55, 1 day back"


def test_ticker_only_file_has_no_article():
    seed = parse(BOILERPLATE + REAL_TICKER, source="ticker.txt")

    assert seed.article is None
    assert len(seed.ticker) == 9
    assert seed.ticker[0].line == 2


def test_article_only_file():
    seed = parse(REAL_ARTICLE)

    assert seed.ticker == ()
    assert seed.article.title.startswith("Marokko krijgt AI-datacenter")
    assert len(seed.article.paragraphs) == 8


def test_ticker_lines_inside_the_article_are_fatal_and_named():
    text = "Titel\nIntro\nAlinea een\n\n- 17:07Kop\n- 16:00Kop twee\nAlinea twee\n"

    with pytest.raises(SeedError) as error:
        parse(text, source="midden.txt")

    assert error.value.line == 5
    assert str(error.value) == (
        "midden.txt, line 5: a ticker line between two runs of text (lines 1–3 and "
        "line 7): a file holds one article, with the ticker lines above or below "
        "it, so which text is the article is unclear; move the ticker lines, or "
        "remove the text that is not the article"
    )


def test_an_unknown_heading_above_the_ticker_is_ambiguous():
    with pytest.raises(SeedError, match="line 2: a ticker line between two runs"):
        parse("Onze nieuwsflitsen\n" + TICKER + ARTICLE)


def test_title_without_text_after_the_ticker_is_fatal():
    with pytest.raises(SeedError, match="line 1: the article has a title but no"):
        parse("Alleen een titel\n" + TICKER)


# Sloppy ticker prefixes, each on its own: read with the right time and a warning.


@pytest.mark.parametrize(
    ("line", "deviation"),
    [
        ("-17:07Kop", "no space before the time"),
        ("-17:07 Kop", "no space before the time"),
        ("– 17:07Kop", "an en dash (U+2013) instead of a dash"),
        ("–17:07 Kop", "an en dash (U+2013) instead of a dash, no space before"),
        ("— 17:07 Kop", "an em dash (U+2014) instead of a dash"),
        ("− 17:07Kop", "a minus sign (U+2212) instead of a dash"),
        ("• 17:07 Kop", "a bullet (U+2022) instead of a dash"),
        ("•17:07Kop", "a bullet (U+2022) instead of a dash, no space before"),
        ("* 17:07 Kop", "an asterisk instead of a dash"),
        ("- 17.07Kop", "a dot instead of a colon in the time"),
        ("- 17.07 Kop", "a dot instead of a colon in the time"),
        ("-17.07Kop", "no space before the time, a dot instead of a colon"),
        ("– 17.07 Kop", "an en dash (U+2013) instead of a dash, a dot instead"),
        ("- 17 : 07 Kop", "spaces inside the time"),
        ("- 17 .07Kop", "a dot instead of a colon in the time, spaces inside"),
        ("17:07Kop", "no dash before the time"),
        ("17:07 Kop", "no dash before the time"),
    ],
)
def test_sloppy_prefix_is_read_with_a_warning(line, deviation):
    seed = parse(f"- 18:00Ervoor\n{line}\n" + ARTICLE)

    assert [(t.line, t.time, t.headline) for t in seed.ticker] == [
        (1, time(18, 0), "Ervoor"),
        (2, time(17, 7), "Kop"),
    ]
    assert article_lines(seed) == [
        "Titel van het stuk",
        "De intro.",
        "Eerste alinea.",
        "Tweede alinea.",
    ]
    (warning,) = seed.warnings
    assert warning.line == 2
    assert warning.message.startswith(f"sloppy ticker line ({deviation}")
    assert warning.message.endswith("; read as a ticker item")
    assert seed.lines[1].detail == f"17:07 (written {line[: line.index('07') + 2]!r})"


@pytest.mark.parametrize(
    ("line", "separator"),
    [
        ("- 17:07 | Kop", "|"),
        ("- 17:07: Kop", ":"),
        ("- 17:07 - Kop", "-"),
        ("- 17:07 – Kop", "–"),
        ("• 17:07 » Kop", "»"),
    ],
)
def test_punctuation_between_time_and_headline_is_dropped(line, separator):
    seed = parse(f"{line}\n" + ARTICLE)

    assert [(t.time, t.headline) for t in seed.ticker] == [(time(17, 7), "Kop")]
    assert f"{separator!r} between time and headline" in seed.warnings[0].message


def test_a_separator_without_a_headline_is_no_headline():
    seed = parse("- 17:07 |\n- 16:00Kop\n" + ARTICLE)

    assert [t.headline for t in seed.ticker] == ["Kop"]
    assert "line 1: ticker line without a headline" in [str(w) for w in seed.warnings]


@pytest.mark.parametrize(
    "line",
    [
        "-  17:07Kop",
        "- 17:07  Kop",
        "-\u00a017:07Kop",
        "- 17:07\tKop",
        "  - 17:07Kop  ",
    ],
)
def test_extra_whitespace_is_normalised_silently(line):
    seed = parse(f"{line}\n" + ARTICLE)

    assert [(t.time, t.headline) for t in seed.ticker] == [(time(17, 7), "Kop")]
    assert seed.warnings == ()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("- 12.50 euro per liter", "'12.50' may be a number rather than a time"),
        ("• 12.50", "'12.50' may be a number rather than a time"),
        ("- 17.75Kop", "'17.75' is not a valid time"),
        ("– 24.10 Kop", "'24.10' is not a valid time"),
        ("- 12:00 uur: de markt opent", "a sentence starting with a time (12:00 uur)"),
    ],
)
def test_unclear_ticker_line_is_skipped_with_a_warning_naming_it(line, reason):
    seed = parse(f"- 18:00Ervoor\n{line}\n- 16:00Erna\n" + ARTICLE)

    assert [t.headline for t in seed.ticker] == ["Ervoor", "Erna"]
    assert seed.article.title == "Titel van het stuk"
    (warning,) = seed.warnings
    assert warning.line == 2
    assert warning.message.startswith(
        f"{line!r} looks like a ticker line, but {reason}"
    )
    assert warning.message.endswith("; skipped, not taken for article text")
    assert seed.lines[1].role == "skipped"


@pytest.mark.parametrize("line", ["- 25:61Kop", "–25:00 Kop", "• 23:60Kop"])
def test_impossible_time_after_any_dash_is_fatal(line):
    with pytest.raises(SeedError, match=r"line 2: \d+:\d+ is not a valid time"):
        parse(f"- 18:00Goed\n{line}\n" + ARTICLE)


def test_dash_lines_in_the_article_body_are_a_list():
    text = TICKER + "Titel\nIntro\nDrie punten:\n- een\n• twee\n- 25.000 mensen\nSlot\n"
    seed = parse(text)

    assert seed.article.paragraphs == (
        "Drie punten:",
        "- een",
        "• twee",
        "- 25.000 mensen",
        "Slot",
    )
    assert seed.warnings == ()


def test_a_dash_line_before_the_title_is_never_the_title():
    seed = parse("- Kop zonder tijd\n" + ARTICLE)

    assert seed.article.title == "Titel van het stuk"
    assert seed.lines[0].role == "skipped"
    assert "line 1: '- Kop zonder tijd' starts like a ticker line" in str(
        seed.warnings[0]
    )


def test_numbers_at_the_start_of_text_are_not_times():
    seed = parse("12.000 mensen demonstreren in Rabat\n13.50 uur: intro\nTekst\n")

    assert seed.ticker == ()
    assert article_lines(seed) == [
        "12.000 mensen demonstreren in Rabat",
        "13.50 uur: intro",
        "Tekst",
    ]


# Invisible and empty text.

ZERO_WIDTHS = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("char", ZERO_WIDTHS)
def test_zero_width_only_headline_is_skipped_with_a_warning(char):
    seed = parse(f"- 18:00{char}{char}\n- 17:00Echte kop\n" + ARTICLE)

    assert [t.headline for t in seed.ticker] == ["Echte kop"]
    assert "line 1: ticker line without a headline (only invisible characters)" in [
        str(w) for w in seed.warnings
    ]
    assert seed.lines[0].role == "skipped"


@pytest.mark.parametrize("blank", [" ", "   ", "\u00a0\u00a0", "\t", " \u2009 "])
def test_whitespace_only_headline_is_skipped_with_a_warning(blank):
    seed = parse(f"- 18:00{blank}\n- 17:00Echte kop\n" + ARTICLE)

    assert [t.headline for t in seed.ticker] == ["Echte kop"]
    assert [str(w) for w in seed.warnings] == ["line 1: ticker line without a headline"]


def test_zero_width_only_title_line_is_skipped_with_a_warning():
    seed = parse(TICKER + "\u200b\u2060\n" + ARTICLE)

    assert seed.article.title == "Titel van het stuk"
    assert [str(w) for w in seed.warnings] == [
        "line 3: the line held only invisible or control characters (removed "
        "zero-width characters (U+200B, U+2060)); skipped"
    ]


@pytest.mark.parametrize("char", ZERO_WIDTHS)
def test_zero_widths_are_removed_everywhere(char):
    seed = parse(
        f"- 17:07Ko{char}p\n"
        f"Ti{char}tel\nIn{char}tro\nAli{char}nea\n"
        f"{char}- 16:00{char}Kop twee\n"
    )

    assert [t.headline for t in seed.ticker] == ["Kop", "Kop twee"]
    assert article_lines(seed) == ["Titel", "Intro", "Alinea"]
    assert all(w.message.startswith("removed ") for w in seed.warnings)
    assert [w.line for w in seed.warnings] == [1, 2, 3, 4, 5]


def test_headlines_that_differ_only_in_zero_widths_are_duplicates():
    seed = parse("- 17:07Zelfde kop\n- 16:00Zelfde\u200b kop\n" + ARTICLE)

    assert [t.line for t in seed.ticker] == [1]
    assert "line 2: same headline as line 1; skipped" in [str(w) for w in seed.warnings]


# Whatever the shape: no ticker line ever ends up in the article.

MARKERS = ["- ", "-", "– ", "—", "• ", "* ", ""]
TIMES = ["17:07", "17.07", "17 : 07", "9:05", "25:61", "12.50", "12:00 uur"]
GLUE = ["Kop", " Kop", " euro", ""]


def variants():
    for marker, moment, glue in itertools.product(MARKERS, TIMES, GLUE):
        line = f"{marker}{moment}{glue}"
        for shape in (
            f"{line}\n{ARTICLE}",
            f"{ARTICLE}{line}\n",
            f"{ARTICLE}{BOILERPLATE}{line}\n",
            f"{TICKER}{line}\n{BOILERPLATE}{ARTICLE}",
            f"{ARTICLE}\n{line}\n{TICKER}",
            f"Titel\nIntro\n{line}\nAlinea\n",
        ):
            yield line, shape


def test_no_ticker_line_in_any_shape_ends_up_in_an_article():
    outcomes = {"read": 0, "skipped": 0, "fatal": 0}
    for line, text in variants():
        try:
            seed = parse(text)
        except SeedError:
            outcomes["fatal"] += 1
            continue
        for kept in article_lines(seed):
            assert not TICKER_LIKE.match(kept), (line, text, kept)
        numbers = {t.line for t in seed.ticker}
        read = [t for t in seed.ticker if t.headline in ("Kop", "euro")]
        outcomes["read" if read else "skipped"] += 1
        for item in read:
            hour, minute = re.search(r"(\d+)\D+(\d+)", line).groups()
            assert item.time == time(int(hour), int(minute)), (line, item)
        assert numbers.isdisjoint(
            {n.line for n in seed.lines if n.role in ("title", "lead", "body")}
        )
    # Every way out is taken: the test is not passing on one outcome alone.
    assert all(outcomes.values()), outcomes
