"""The one rule for text entering the site (newsroom.text)."""

import pytest

from newsroom.text import clean_line, clean_text, xml_safe


@pytest.mark.parametrize(
    "char", ["\x00", "\x01", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff", "\ud800"]
)
def test_xml_unsafe_characters_become_spaces(char):
    assert xml_safe(f"Rabat{char}Casablanca") == "Rabat Casablanca"


def test_tab_and_newlines_are_kept_by_xml_safe():
    assert xml_safe("a\tb\nc\r\n") == "a\tb\nc\r\n"


@pytest.mark.parametrize("char", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_zero_width_characters_are_removed(char):
    assert clean_line(f"Ko{char}ning") == "Koning"
    assert clean_line(char * 3) == ""


def test_clean_text_keeps_line_breaks_and_composes():
    assert clean_text("Fe\u0300s\nline two") == "F\u00e8s\nline two"


def test_clean_line_collapses_whitespace():
    assert (
        clean_line("  Storm \t in\u00a0 Tanger\x0bvandaag \n")
        == "Storm in Tanger vandaag"
    )
