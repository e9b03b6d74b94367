"""The seed parser, without the database."""

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from seedimport.parser import (
    MAX_LINE_LENGTH,
    SeedError,
    decode_seed,
    is_boilerplate,
    load_seed,
    parse_seed,
    read_date,
    split_lines,
)

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
REAL_SEED = SEEDS_DIR / "000_e9d6fcdb7608355c.txt"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

ARTICLE = "Titel van het stuk\nDe intro.\nEerste alinea.\nTweede alinea.\n"


def parse(text, source="test.txt"):
    return parse_seed(text, source=source)


def read(data, source="test.txt"):
    return parse_seed(decode_seed(data, source=source), source=source)


def test_real_seed_has_nine_ticker_lines_and_one_article():
    seed = load_seed(REAL_SEED)

    assert seed.source == "000_e9d6fcdb7608355c.txt"
    assert len(seed.ticker) == 9
    first = seed.ticker[0]
    assert (first.line, first.time) == (1, time(17, 7))
    assert first.headline.startswith("Marokko bevestigt in Dakar")
    assert [item.time for item in seed.ticker][-1] == time(13, 50)
    assert seed.ticker[7].headline.startswith("Nvidia passeert grens van $ 4 biljoen")
    assert seed.article.title == (
        "Marokko krijgt AI-datacenter, ondersteund door Zuid-Koreaanse techgigant Naver"
    )
    assert seed.article.line == 11
    assert seed.article.lead.startswith("Marokko staat op het punt")
    assert len(seed.article.paragraphs) == 8
    assert "geïntegreerde" in seed.article.paragraphs[3]
    assert seed.article.paragraphs[-1].endswith("bevorderen.")
    assert [(s.line, s.text, s.reason) for s in seed.skipped] == [
        (10, "Volg ons op Facebook", "boilerplate")
    ]
    assert seed.warnings == ()


def test_time_glued_or_followed_by_a_space():
    seed = parse("- 17:07Glued\n- 16:30 Spaced\n-9:05Kort uur\n" + ARTICLE)

    assert [(t.time, t.headline) for t in seed.ticker] == [
        (time(17, 7), "Glued"),
        (time(16, 30), "Spaced"),
        (time(9, 5), "Kort uur"),
    ]


def test_headline_starting_with_a_digit_keeps_it():
    seed = parse("- 13:502 doden bij ongeluk\n" + ARTICLE)

    assert (seed.ticker[0].time, seed.ticker[0].headline) == (
        time(13, 50),
        "2 doden bij ongeluk",
    )


def test_article_lines():
    seed = parse("- 10:00Kop\n\n" + ARTICLE + "\n\nDerde alinea.")

    assert seed.article.title == "Titel van het stuk"
    assert seed.article.lead == "De intro."
    assert seed.article.paragraphs == (
        "Eerste alinea.",
        "Tweede alinea.",
        "Derde alinea.",
    )


def test_a_file_with_only_an_article_is_fine():
    seed = parse(ARTICLE)

    assert seed.ticker == ()
    assert seed.article.title == "Titel van het stuk"


def test_a_sentence_starting_with_a_time_is_no_headline_nor_article_text():
    seed = parse("Titel\nIntro\n- 12:00 uur: de markt opent\n")

    assert seed.ticker == ()
    assert seed.article.paragraphs == ()
    assert [str(w) for w in seed.warnings] == [
        "line 3: '- 12:00 uur: de markt opent' looks like a ticker line, but a "
        "sentence starting with a time (12:00 uur), not a headline; skipped, not "
        "taken for article text"
    ]


def test_bom_and_crlf_and_cr_give_the_same_seed():
    text = "- 17:07Kop een\n- 16:30Kop twee\n" + ARTICLE
    lf = read(text.encode())
    crlf = read(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    cr = read(text.replace("\n", "\r").encode())

    assert lf == crlf == cr
    assert lf.ticker[0].headline == "Kop een"


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c"])
def test_only_lf_crlf_and_cr_split_lines(separator):
    assert len(split_lines(f"een{separator}twee\ndrie")) == 2
    seed = parse(f"- 17:07Kop{separator}met scheiding\n" + ARTICLE)

    assert seed.ticker[0].headline == "Kop met scheiding"
    assert seed.warnings[0].line == 1
    assert "control character" in seed.warnings[0].message
    assert seed.article.title == "Titel van het stuk"


def test_control_characters_are_replaced_with_a_warning():
    seed = parse("- 17:07Kop\x07met\tbel\n" + ARTICLE)

    assert seed.ticker[0].headline == "Kop met bel"
    assert [str(w) for w in seed.warnings] == [
        "line 1: replaced control character U+0007 by a space"
    ]


def test_bidi_overrides_are_removed_with_a_warning():
    seed = parse("- 17:07Kop \u202eesrever\u202c en \u2067isolaat\u2069\n" + ARTICLE)

    assert seed.ticker[0].headline == "Kop esrever en isolaat"
    assert "bidi" in seed.warnings[0].message


def test_arabic_with_directional_marks_is_kept():
    seed = parse("- 17:07Koning محمد السادس\u200f opent haven\n" + ARTICLE)

    assert seed.ticker[0].headline == "Koning محمد السادس\u200f opent haven"
    assert seed.warnings == ()


def test_text_is_nfc_normalised():
    seed = parse("- 17:07Gei\u0308ntegreerd\n" + ARTICLE)  # i + combining diaeresis

    assert seed.ticker[0].headline == "Ge\u00efntegreerd"


@pytest.mark.parametrize(
    "line",
    [
        "Volg ons op Facebook",
        "volg ons op facebook",
        "Volg ons op Instagram!",
        "Volg ons ook op X",
        "  Volg ons op   Facebook  ",
        "Deel dit artikel",
        "Lees ook:",
        "Advertentie",
        "Reacties (12)",
        "© 2025 Marokko Nieuws",
    ],
)
def test_boilerplate_is_recognised(line):
    assert is_boilerplate(line)
    seed = parse(f"- 17:07Kop\n{line}\nTitel\n{line}\nIntro\n{line}\nAlinea\n")
    assert seed.article.title == "Titel"
    assert seed.article.lead == "Intro"
    assert seed.article.paragraphs == ("Alinea",)
    assert [s.line for s in seed.skipped] == [2, 4, 6]


@pytest.mark.parametrize(
    "line",
    [
        "Volg ons op Facebook voor het laatste nieuws over de verkiezingen",
        "Meta, het moederbedrijf van Facebook, opent kantoor in Casablanca",
        "Lees ook het rapport van de Wereldbank",
    ],
)
def test_content_mentioning_boilerplate_words_is_kept(line):
    assert not is_boilerplate(line)


def test_ticker_line_without_headline_is_skipped_with_a_warning():
    seed = parse("- 17:07\n- 16:00Kop\n" + ARTICLE)

    assert [t.headline for t in seed.ticker] == ["Kop"]
    assert str(seed.warnings[0]) == "line 1: ticker line without a headline"


def test_duplicate_headline_is_skipped_with_a_warning():
    seed = parse("- 17:07Kop\n- 16:00Kop\n" + ARTICLE)

    assert [t.line for t in seed.ticker] == [1]
    assert str(seed.warnings[0]) == "line 2: same headline as line 1; skipped"


def test_a_later_time_further_down_is_the_day_before():
    seed = parse("- 00:15Na middernacht\n- 23:50Voor middernacht\n" + ARTICLE)

    assert [t.days_back for t in seed.ticker] == [0, 1]
    assert "day before" in seed.warnings[0].message
    assert seed.ticker_moment(seed.ticker[1], date(2025, 7, 11), AMSTERDAM) == (
        datetime(2025, 7, 10, 23, 50, tzinfo=AMSTERDAM)
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2025, 7, 11, 17, 7, tzinfo=AMSTERDAM), date(2025, 7, 11)),
        (datetime(2025, 7, 11, 23, 59, tzinfo=AMSTERDAM), date(2025, 7, 11)),
        (datetime(2025, 7, 11, 17, 6, tzinfo=AMSTERDAM), date(2025, 7, 10)),
        (datetime(2025, 7, 11, 0, 1, tzinfo=AMSTERDAM), date(2025, 7, 10)),
    ],
)
def test_default_date_is_the_latest_on_which_every_time_has_passed(now, expected):
    seed = parse("- 17:07Nieuwste\n- 13:50Oudste\n" + ARTICLE)

    assert seed.default_date(now) == expected


def test_default_date_with_midnight_in_the_list():
    seed = parse("- 00:15Na middernacht\n- 23:50Voor middernacht\n" + ARTICLE)
    now = datetime(2025, 7, 11, 0, 20, tzinfo=AMSTERDAM)

    assert seed.default_date(now) == date(2025, 7, 11)


def test_article_is_published_at_the_newest_ticker_time():
    seed = parse("- 17:07Nieuwste\n- 13:50Oudste\n" + ARTICLE)
    now = datetime(2025, 7, 12, 9, 0, tzinfo=AMSTERDAM)

    assert seed.article_moment(date(2025, 7, 11), now) == datetime(
        2025, 7, 11, 17, 7, tzinfo=AMSTERDAM
    )


def test_article_without_ticker_times_is_published_at_noon_or_now():
    seed = parse(ARTICLE)
    morning = datetime(2025, 7, 11, 9, 30, tzinfo=AMSTERDAM)

    assert seed.article_moment(date(2025, 7, 11), morning) == morning
    assert seed.article_moment(date(2025, 7, 1), morning) == datetime(
        2025, 7, 1, 12, 0, tzinfo=AMSTERDAM
    )
    assert seed.default_date(morning) == date(2025, 7, 11)


# Bad input: fatal for the file, with the file (and line) named.


@pytest.mark.parametrize("time_text", ["25:61", "24:00", "23:60", "99:99"])
def test_invalid_ticker_time_is_fatal_and_names_file_and_line(time_text):
    with pytest.raises(SeedError) as error:
        parse(f"- 17:07Goed\n\n- {time_text}Fout\n" + ARTICLE, source="001_x.txt")

    assert error.value.line == 3
    assert str(error.value) == (
        f"001_x.txt, line 3: {time_text} is not a valid time (00:00 to 23:59)"
    )


@pytest.mark.parametrize("line", ["- Kop zonder tijd", "-", "• Kop", "-Kop"])
def test_dash_line_without_time_among_ticker_lines_is_skipped(line):
    seed = parse(f"- 18:00Goed\n{line}\n- 17:00Ook goed\n" + ARTICLE)

    assert [t.headline for t in seed.ticker] == ["Goed", "Ook goed"]
    assert seed.article.title == "Titel van het stuk"
    assert [str(w) for w in seed.warnings] == [
        f"line 2: {line!r} starts like a ticker line but has no time (HH:MM); "
        "skipped, not taken for article text"
    ]


@pytest.mark.parametrize(
    "data",
    [b"", b"\n\n", b"  \r\n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf\r\n"],
)
def test_empty_file_is_fatal(data):
    with pytest.raises(SeedError, match=r"^leeg\.txt: the file is empty"):
        read(data, source="leeg.txt")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Volg ons op Facebook\n\n", "line 1: boilerplate"),
        (
            "- 17:07\n\u200b\n",
            "line 1: no headline; line 2: nothing left after cleaning",
        ),
        ("\n- Kop zonder tijd\n", "line 2: dash without a time"),
    ],
)
def test_file_with_nothing_to_import_is_fatal_and_says_why(text, why):
    with pytest.raises(SeedError) as error:
        parse(text, source="a.txt")

    assert str(error.value) == (
        "a.txt: nothing to import: no ticker items and no article (only blank lines, "
        f"boilerplate or skipped lines: {why})"
    )


def test_title_without_text_is_fatal():
    with pytest.raises(SeedError, match="line 2: the article has a title but no"):
        parse("- 17:07Kop\nAlleen een titel\n")


def test_invalid_utf8_names_the_byte_offset_and_line():
    data = "- 17:07Kop\nCafé".encode() + b"\xe9 Latin-1\nIntro\n"

    with pytest.raises(SeedError) as error:
        read(data, source="latin.txt")

    assert str(error.value) == (
        "latin.txt, line 2: not UTF-8: byte 0xE9 at byte offset 16 cannot be decoded;"
        " save the file as UTF-8"
    )


def test_invalid_utf8_offset_counts_the_bom():
    with pytest.raises(SeedError, match="byte 0xFF at byte offset 4 "):
        read(b"\xef\xbb\xbfa\xff")


def test_nul_byte_means_binary():
    with pytest.raises(SeedError) as error:
        read(b"- 17:07Kop\nTitel\x00\x01\x02", source="plaatje.png")

    assert error.value.line == 2
    assert "binary content: a NUL byte at byte offset 16" in str(error.value)


def test_utf16_is_refused_with_advice():
    with pytest.raises(SeedError, match="UTF-16 text; save it as UTF-8"):
        read(("- 17:07Kop\n" + ARTICLE).encode("utf-16"))


def test_absurdly_long_line_is_fatal():
    text = "- 17:07Kop\nTitel\n" + "x" * (MAX_LINE_LENGTH + 1) + "\n"

    with pytest.raises(SeedError) as error:
        parse(text, source="lang.txt")

    assert str(error.value) == (
        "lang.txt, line 3: the line is 10,001 characters long (at most 10,000); "
        "this is not a seed line"
    )


def test_oversized_file_is_fatal():
    with pytest.raises(SeedError, match="larger than 5 MB"):
        decode_seed(b"x\n" * (3 * 1024 * 1024), source="groot.txt")


def test_unreadable_path_is_a_seed_error(tmp_path):
    with pytest.raises(SeedError, match="^weg.txt: cannot read the file"):
        load_seed(tmp_path / "weg.txt")


@pytest.mark.parametrize("value", ["2025-07-11", "2024-02-29"])
def test_read_date(value):
    assert read_date(value) == date.fromisoformat(value)


@pytest.mark.parametrize("value", ["11-07-2025", "2025-7-11", "20250711", "2025-02-30"])
def test_read_date_refuses_other_forms(value):
    with pytest.raises(ValueError, match=value):
        read_date(value)
