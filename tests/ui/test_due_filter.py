"""A day-based deadline ends at local midnight and shows as that day at 24:00, every night of the year."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.config import Settings
from webui import create_app
from webui.ui.filters import due

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
DANISH_MONTHS = ("jan.", "feb.", "mar.", "apr.", "maj", "jun.", "jul.", "aug.", "sep.", "okt.", "nov.", "dec.")


def _end_of(day: date) -> datetime:
    """The deadline that ends `day` in Denmark: the next local midnight, in UTC as stored."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=COPENHAGEN).astimezone(UTC)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """A page app in Danish (the filter reads no database)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('due')}/due.db"
    return create_app(Settings.from_env({"CASEPATH_ENV": "testing", "DATABASE_URL": url}))


def test_the_day_summer_time_begins_and_ends_is_shown_as_itself(pages):
    with pages.test_request_context("/"):
        assert due(_end_of(date(2026, 3, 29))) == "29. mar. 2026 kl. 24:00"  # the night of 29/30 March
        assert due(_end_of(date(2026, 3, 28))) == "28. mar. 2026 kl. 24:00"
        assert due(_end_of(date(2026, 10, 25))) == "25. okt. 2026 kl. 24:00"


# Up to 2037: the zone data Flask-Babel converts with (pytz) has no summer-time rules beyond it.
@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2037, 12, 30)))
def test_every_day_ends_at_24_on_that_day(pages, day):
    with pages.test_request_context("/"):
        assert due(_end_of(day)) == f"{day.day}. {DANISH_MONTHS[day.month - 1]} {day.year} kl. 24:00"
