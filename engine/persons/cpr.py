"""CPR numbers (det centrale personregister): format, date of birth and century, masking.

A CPR number is DDMMYY-SSSS (or without the hyphen). The date must exist and the century follows from
the 7th digit (the first of the sequence number) and the year, per the CPR office's table. There is
no modulus-11 check: numbers without a valid check digit have been issued since 2007.

Messages never repeat the number: they end up in responses and, through proxies, in logs.
"""

from __future__ import annotations

import re
from datetime import date

from engine.errors import InvalidInput

_FORMAT = re.compile(r"(\d{2})(\d{2})(\d{2})-?(\d{4})")


def century(year: int, seventh: int) -> int:
    """The century (1800, 1900 or 2000) of a two-digit `year` whose sequence number starts with `seventh`."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if year <= 36 else 1900
    return 2000 if year <= 57 else 1800


def parse(text: str) -> tuple[str, date]:
    """(the number as 10 digits, date of birth) of a valid CPR number; InvalidInput otherwise."""
    match = _FORMAT.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise InvalidInput("not a CPR number: write it as DDMMYY-SSSS or DDMMYYSSSS",
                           [{"field": "cpr", "message": "expected DDMMYY-SSSS"}])
    day, month, year, sequence = match.groups()
    full_year = century(int(year), int(sequence[0])) + int(year)
    try:
        born = date(full_year, int(month), int(day))
    except ValueError as exc:
        raise InvalidInput("not a CPR number: its first six digits are not a date",
                           [{"field": "cpr", "message": "the first six digits are not a date (DDMMYY)"}]) from exc
    return f"{day}{month}{year}{sequence}", born


def normalise(text: str) -> str:
    """The valid CPR number as 10 digits (InvalidInput otherwise)."""
    return parse(text)[0]


def formatted(digits: str) -> str:
    """DDMMYY-SSSS from 10 digits."""
    return f"{digits[:6]}-{digits[6:]}"


def masked(digits: str) -> str:
    """The date part only: DDMMYY-xxxx (for those who may know whom a case is about, not the number)."""
    return f"{digits[:6]}-xxxx"


def looks_like_cpr(text: str) -> bool:
    """True when `text` holds something shaped like a CPR number (to keep them out of free text)."""
    return re.search(r"(?<!\d)\d{6}-?\d{4}(?!\d)", text or "") is not None
