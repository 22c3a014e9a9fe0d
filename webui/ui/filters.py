"""Jinja filters and globals: Danish dates in the configured zone, deadline states, labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from babel import dates
from flask import Flask, g
from flask_babel import get_locale, to_user_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engine.deadlines.calendar import DanishCalendar
from engine.deadlines.rules import calendar, list_rules
from webui.clock import now as request_now
from webui.database import get_session

OVERDUE = "overdue"
AT_RISK = "at_risk"

UNIT_NAMES = {"hours": _l("timer"), "days": _l("kalenderdage"), "working_days": _l("arbejdsdage"),
              "months": _l("måneder")}
RECIPIENT_NAMES = {
    "police": _l("Politiet"), "security_consultant": _l("Sikkerhedskonsulent"), "shelter": _l("Krisecenter"),
    "other_department": _l("Anden afdeling"), "school": _l("Skole"), "day_care": _l("Dagtilbud"),
    "doctor": _l("Læge"), "red": _l("RED Rådgivning / Etnisk Ung"), "viso": _l("VISO"), "interpreter": _l("Tolk"),
    "other_municipality": _l("Anden kommune"), "other": _l("Anden modtager"),
    "immigration_service": _l("Udlændingestyrelsen"), "psychologist": _l("Psykolog"),
    "siri_travelling_team": _l("SIRI's rejsehold"),
}
GIVER_NAMES = {"citizen": _l("Borgeren"), "guardian": _l("Forældremyndighedsindehaveren"),
               "other": _l("En anden person (fx den unge selv)")}
DEADLINE_STATES = {"met": _l("Overholdt"), "open": _l("Åben"), "missed": _l("Overskredet"), "passed": _l("Udløbet")}
CASE_STATES = {"open": _l("Åben"), "closed": _l("Afsluttet")}
RISK_NAMES = {"low": _l("Lav"), "medium": _l("Middel"), "high": _l("Høj")}
TASK_STATES = {"READY": _l("Åben"), "COMPLETED": _l("Udført"), "CANCELLED": _l("Annulleret")}


def _is_danish(locale: Any = None) -> bool:
    locale = locale or get_locale()
    return locale is None or locale.language == "da"


# A list formats a date per row: these read the request's locale and zone once per value and write
# the patterns below with the locale's month names, as Babel's format_datetime/format_date write them
# ("d": the day, "MMM": the abbreviated month, "yyyy": the year, "HH:mm"), without parsing a pattern.
def _month(locale: Any, month: int) -> str:
    return locale.months["format"]["abbreviated"][month]


def _datetime_text(local: datetime, locale: Any) -> str:
    """`local` (already in the configured zone) as local_datetime shows it."""
    if locale is None:
        return dates.format_datetime(local, "d. MMM yyyy 'kl.' HH:mm", locale=locale)
    separator = ". {} {:04d} kl. " if _is_danish(locale) else " {} {:04d}, "
    return f"{local.day}{separator.format(_month(locale, local.month), local.year)}{local.hour:02d}:{local.minute:02d}"


def _date_text(value: datetime, locale: Any) -> str:
    """`value`'s date as local_date shows it (a datetime put in the configured zone first)."""
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    if locale is None:
        return dates.format_date(value, "d. MMM yyyy", locale=locale)
    pattern = "{}. {} {:04d}" if _is_danish(locale) else "{} {} {:04d}"
    return pattern.format(value.day, _month(locale, value.month), value.year)


def local_datetime(value: datetime | None) -> str:
    """`21. nov. 2026 kl. 14:30` (Danish) or `21 Nov 2026, 14:30`, in the configured zone."""
    if value is None:
        return ""
    return _datetime_text(to_user_timezone(value), get_locale())


def local_date(value: datetime | None) -> str:
    """`21. nov. 2026` (Danish) or `21 Nov 2026`; datetimes are first put in the configured zone."""
    if value is None:
        return ""
    return _date_text(value, get_locale())


def due(value: datetime | None) -> str:
    """A deadline: day-based deadlines end at local midnight, shown as `21. mar. 2027 kl. 24:00`."""
    if value is None:
        return ""
    local, locale = to_user_timezone(value), get_locale()
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        # The calendar day before, as a date: aware arithmetic keeps the offset, so on the night summer
        # time begins a datetime a day back lands an hour earlier, on the day before that.
        day = _date_text(local.date() - timedelta(days=1), locale)
        return f"{day} kl. 24:00" if _is_danish(locale) else f"{day}, 24:00"
    return _datetime_text(local, locale)


def iso(value: datetime | None) -> str:
    """Machine-readable instant for <time datetime>."""
    return value.astimezone(UTC).isoformat() if value is not None else ""


def deadline_status(due_at: datetime | None, now: datetime | None = None) -> str | None:
    """`overdue`, `at_risk` (less than one working day left) or None."""
    if due_at is None:
        return None
    now = now or request_now()
    cal = calendar()
    if cal.is_overdue(now, due_at):
        return OVERDUE
    if _next_working_day_end(cal, now) > due_at:  # cal.is_at_risk, now that it is not overdue
        return AT_RISK
    return None


@lru_cache(maxsize=64)
def _next_working_day_end(cal: DanishCalendar, now: datetime) -> datetime:
    """The end of the next working day after `now`'s date: the same for every deadline of a request."""
    return cal.add_working_days(now, 1)


def time_left(due_at: datetime | None, unit: str | None = None, now: datetime | None = None) -> str:
    """`21 t tilbage` for a deadline counted in clock hours (or under two days away), else `5 dage
    tilbage`; empty once it has run out (the overdue badge says so)."""
    if due_at is None:
        return ""
    seconds = (due_at - (now or request_now())).total_seconds()
    if seconds <= 0:
        return ""
    hours = int(seconds // 3600)
    if unit == "hours" or hours < 48:
        return _("under 1 t tilbage") if hours < 1 else _("%(n)d t tilbage", n=hours)
    return _("%(n)d dage tilbage", n=hours // 24)


def label(mapping: dict[str, Any], key: str | None) -> str:
    """A translated label from one of the tables above, or the key itself."""
    return str(mapping.get(key or "", key or ""))


def rule_unit(rule_key: str | None) -> str | None:
    """The unit of a deadline rule (read once per request), so a 24-hour deadline shows hours left."""
    if not rule_key:
        return None
    if "rule_units" not in g:
        g.rule_units = {rule.key: rule.unit for rule in list_rules(get_session())}
    return g.rule_units.get(rule_key)


def install(app: Flask) -> None:
    """Register the filters and globals on the app's Jinja environment."""
    app.jinja_env.filters.update(datetime=local_datetime, date=local_date, due=due, iso=iso)
    app.jinja_env.globals.update(
        deadline_status=deadline_status, label=label, UNIT_NAMES=UNIT_NAMES, RECIPIENT_NAMES=RECIPIENT_NAMES,
        GIVER_NAMES=GIVER_NAMES, DEADLINE_STATES=DEADLINE_STATES, CASE_STATES=CASE_STATES, TASK_STATES=TASK_STATES,
        RISK_NAMES=RISK_NAMES, time_left=time_left, rule_unit=rule_unit,
    )
