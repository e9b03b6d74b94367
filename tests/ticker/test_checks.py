"""Ticker settings that make no sense stop `manage.py check` with a clear message."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


@pytest.mark.parametrize(
    ("name", "value"),
    [("TICKER_ITEMS", 0), ("TICKER_POLL_SECONDS", -5), ("TICKER_POLL_SECONDS", "30")],
)
def test_nonsense_ticker_settings_are_refused(settings, name, value):
    setattr(settings, name, value)

    with pytest.raises(SystemCheckError, match=rf"ticker\.E001.*{name} must be"):
        call_command("check", stdout=io.StringIO())


def test_breaking_news_may_not_be_polled_slower(settings):
    settings.TICKER_POLL_SECONDS = 30
    settings.TICKER_BREAKING_POLL_SECONDS = 60

    with pytest.raises(SystemCheckError, match=r"ticker\.E002"):
        call_command("check", stdout=io.StringIO())


def test_the_defaults_pass(settings):
    call_command("check", stdout=io.StringIO())
