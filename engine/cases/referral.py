"""The referral's category and moment, kept on the case row for management reports.

Reports count new cases by referral source and measure times from the referral without loading
workflow state, so opening a case copies two values of its start data onto the row: `source` (a
key of the start form's list, e.g. `school`, never free text) and `received_at` (when the
notification or inquiry came in). Neither is personal data; both stay after erasure, as anonymous
statistics may (docs/retention.md).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from engine.deadlines.timer_events import to_instant

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def referral_source(data: dict[str, Any]) -> str | None:
    """The start data's `source` when it is a list key; None when absent or anything else."""
    value = data.get("source")
    return value if isinstance(value, str) and _KEY.match(value) else None


def referred_at(data: dict[str, Any], opened_at: datetime) -> datetime:
    """When the referral came in: the start data's `received_at` (Danish time without an offset) if
    it lies before the opening, else the opening itself."""
    value = data.get("received_at")
    if not value:
        return opened_at
    try:
        moment = to_instant(value)  # read like the diagrams' deadline('rule', received_at)
    except (ValueError, TypeError):
        return opened_at
    return moment if moment <= opened_at else opened_at


def referral_values(data: dict[str, Any], opened_at: datetime) -> dict[str, Any]:
    """The case-row values of a new case's referral."""
    return {"referral_source": referral_source(data), "referred_at": referred_at(data, opened_at)}
