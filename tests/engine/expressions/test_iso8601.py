"""Plain ISO 8601 timer values."""

from __future__ import annotations

import pytest

from engine.expressions import evaluate, is_iso8601_literal, timer_source

VALID = [
    "PT24H",
    "P3M",
    "P1Y2M10DT2H30M",
    "P2W",
    "P1D",
    "PT0S",
    "PT1.5H",
    "PT0,5S",
    "R3/P1D",
    "R/P1D",
    "R3/2026-12-01T09:00:00+01:00/P1D",
    "R3/P1D/2026-12-01T09:00:00Z",
    "R/2026-12-01/PT12H",
    "2026-12-01T09:00:00+01:00",
    "2026-12-01T09:00:00Z",
    "2026-12-01T09:00Z",
    "2026-12-01T09:00:00.123+01:00",
    "2026-12-01T09:00:00",
    "2026-12-01",
    "2028-02-29",
]

INVALID = [
    "",
    "P",
    "PT",
    "P1DT",
    "P1H",
    "PT1D",
    "P1.5Y2M",
    "P1W2D",
    "p1d",
    "R3",
    "R3/",
    "Rx/P1D",
    "R3/2026-12-01T09:00:00Z",
    "R3/2026-12-01/2026-12-02",
    "2026-13-01",
    "2026-02-30",
    "2027-02-29",
    "2026-12-01T25:00:00Z",
    "2026-12-01T09:00:00+1",
    "2026-12-01 09:00:00",
    "20261201",
    "P1D + 1",
    '"PT24H"',
    "amount > 10",
    "duration",
]


@pytest.mark.parametrize("text", VALID)
def test_valid_literals(text: str) -> None:
    assert is_iso8601_literal(text)
    assert is_iso8601_literal(f"  {text}\n")


@pytest.mark.parametrize("text", INVALID)
def test_invalid_literals(text: str) -> None:
    assert not is_iso8601_literal(text)


@pytest.mark.parametrize("text", VALID)
def test_timer_source_quotes_literals(text: str) -> None:
    source = timer_source(f"\n   {text}  ")
    assert source == repr(text)
    assert evaluate(source, {}) == text


def test_timer_source_leaves_expressions_alone() -> None:
    source = '"P" + str(n) + "D"'
    assert timer_source(source) == source
    assert evaluate(timer_source(source), {"n": 3}) == "P3D"


def test_timer_source_is_idempotent() -> None:
    once = timer_source("PT24H")
    assert timer_source(once) == once


def test_non_text_is_not_a_literal() -> None:
    assert not is_iso8601_literal(None)  # type: ignore[arg-type]
    assert not is_iso8601_literal("P1D" * 50)
