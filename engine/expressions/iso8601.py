"""Plain ISO 8601 timer values (``PT24H``, ``R3/P1D``, ``2026-12-01``...).

BPMN modelers type timer values as bare ISO 8601 text. SpiffWorkflow hands
the timer text to the script engine, which would read ``PT24H`` as a name and
``2026-12-01`` as subtraction. :func:`timer_source` turns such literals into
a quoted string so the evaluator yields the text unchanged, and leaves real
expressions (``"P" + str(n) + "D"``) alone.
"""

from __future__ import annotations

import datetime as dt
import re

_NUMBER = r"\d+(?:[.,]\d+)?"
_DURATION = (
    rf"P(?=\d|T\d)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}D)?"
    rf"(?:T(?=\d)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
    rf"|P{_NUMBER}W"
)
_DATE = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,6})?)?"
_OFFSET = r"(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)"
_DATETIME = rf"{_DATE}T{_TIME}{_OFFSET}?"

DURATION_RE = re.compile(_DURATION)
DATE_RE = re.compile(_DATE)
DATETIME_RE = re.compile(_DATETIME)
# Repetitions with a duration, a start and a duration, or a duration and an end,
# which are the forms SpiffWorkflow's cycle timers understand.
RECURRING_RE = re.compile(
    rf"R\d*/(?:(?P<duration>{_DURATION})"
    rf"|(?P<start>{_DATETIME}|{_DATE})/(?P<after>{_DURATION})"
    rf"|(?P<before>{_DURATION})/(?P<end>{_DATETIME}|{_DATE}))"
)


def _valid_duration(text: str) -> bool:
    """Only the last component of a duration may carry a fraction (ISO 8601)."""
    if not DURATION_RE.fullmatch(text):
        return False
    numbers = re.findall(_NUMBER, text)
    return all(not re.search(r"[.,]", number) for number in numbers[:-1])


def _valid_moment(text: str) -> bool:
    """A date or date-time that matches the pattern and exists on the calendar."""
    try:
        if DATE_RE.fullmatch(text):
            dt.date.fromisoformat(text)
            return True
        if DATETIME_RE.fullmatch(text):
            dt.datetime.fromisoformat(text)
            return True
    except ValueError:
        pass
    return False


def is_iso8601_literal(text: str) -> bool:
    """True if ``text`` is an ISO 8601 duration, date, date-time or recurring interval."""
    if not isinstance(text, str):
        return False
    value = text.strip()
    if len(value) > 100:
        return False
    if _valid_duration(value) or _valid_moment(value):
        return True
    match = RECURRING_RE.fullmatch(value)
    if match is None:
        return False
    durations = [match[name] for name in ("duration", "after", "before") if match[name]]
    moments = [match[name] for name in ("start", "end") if match[name]]
    return all(map(_valid_duration, durations)) and all(map(_valid_moment, moments))


def timer_source(text: str) -> str:
    """Source for the evaluator: a quoted literal for ISO 8601 text, else ``text`` as is."""
    if is_iso8601_literal(text):
        return repr(text.strip())
    return text
