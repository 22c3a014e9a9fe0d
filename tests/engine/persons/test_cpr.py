"""CPR numbers: format, a real date, the century from the 7th digit; no modulus-11 check."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import InvalidInput
from engine.persons import cpr

# (first digit of the sequence number, two-digit years) -> century, the CPR office's table.
CENTURIES = [
    (range(0, 4), range(0, 100), 1900),
    ((4, 9), range(0, 37), 2000), ((4, 9), range(37, 100), 1900),
    (range(5, 9), range(0, 58), 2000), (range(5, 9), range(58, 100), 1800),
]


def _expected_year(yy: int, seventh: int) -> int:
    for digits, years, century in CENTURIES:
        if seventh in digits and yy in years:
            return century + yy
    raise AssertionError((yy, seventh))


@given(born=st.dates(min_value=date(1858, 1, 1), max_value=date(2057, 12, 31)),
       seventh=st.integers(0, 9), rest=st.integers(0, 999), hyphen=st.booleans())
def test_every_real_date_parses_with_the_century_of_its_seventh_digit(born, seventh, rest, hyphen):
    yy = born.year % 100
    text = f"{born:%d%m}{yy:02d}{'-' if hyphen else ''}{seventh}{rest:03d}"
    expected = _expected_year(yy, seventh)
    try:
        real = born.replace(year=expected)
    except ValueError:  # 29 February of a year that is not a leap year in the implied century
        with pytest.raises(InvalidInput):
            cpr.parse(text)
        return
    assert cpr.parse(text) == (text.replace("-", ""), real)


@given(day=st.integers(0, 99), month=st.integers(0, 99), yy=st.integers(0, 99), seq=st.integers(0, 9999))
def test_a_number_is_valid_exactly_when_its_date_exists(day, month, yy, seq):
    text = f"{day:02d}{month:02d}{yy:02d}-{seq:04d}"
    year = _expected_year(yy, seq // 1000)
    try:
        expected = date(year, month, day)
    except ValueError:
        with pytest.raises(InvalidInput):
            cpr.parse(text)
    else:
        assert cpr.parse(text)[1] == expected


@pytest.mark.parametrize("text", ["", "010203", "010203-123", "010203-12345", "01020312345", "0102031234x",
                                  "01-02-03-1234", "abcdef-ghij", "010203 1234", "010203/1234"])
def test_other_shapes_are_refused(text):
    with pytest.raises(InvalidInput) as refused:
        cpr.parse(text)
    assert text.strip() == "" or text not in refused.value.message


def test_no_modulus_11_check_and_a_message_that_does_not_repeat_the_number():
    assert cpr.parse("010203-1235")[0] == "0102031235"  # fails modulus 11, issued since 2007
    with pytest.raises(InvalidInput) as refused:
        cpr.parse("310203-1234")
    assert "310203" not in refused.value.message and "310203" not in str(refused.value.details)


def test_masking_and_formatting():
    assert cpr.formatted("0102031234") == "010203-1234"
    assert cpr.masked("0102031234") == "010203-xxxx"
    assert cpr.looks_like_cpr("ring til 0102031234") and not cpr.looks_like_cpr("sag 2026-000123")
