"""Statutory deadlines: the Danish legal-time calendar (hours, days, months and working days)."""

from engine.deadlines.calendar import (
    DEFAULT_EXTRA_CLOSED,
    UNITS,
    DanishCalendar,
    parse_extra_closed,
)

__all__ = ["DEFAULT_EXTRA_CLOSED", "UNITS", "DanishCalendar", "parse_extra_closed"]
