"""Time used on a deadline, counted in the rule's own unit as the case page counts the deadline.

The deadline's start is not stored, but its due instant is `start + amount unit` on the Danish
calendar, so the time used is the amount minus what was left at completion (plus the overrun when
late): clock hours for hour rules, working days for working-day rules (the completion day counts,
like the start day does not), calendar days for day and month rules (months are shown in days, from
the same date `amount` months before the final day).

The database groups completed deadlines by (final day, days from it to the completion) or by tenths
of an hour; this turns a group into the time used.
"""

from __future__ import annotations

from datetime import date

from engine.deadlines.calendar import DanishCalendar
from engine.reports.periods import day_of

USED_UNITS = {"hours": "hours", "working_days": "working_days", "days": "days", "months": "days"}


class TimeUsed:
    """Time used per group of completed deadlines; working days are looked up once per day."""

    def __init__(self, calendar: DanishCalendar) -> None:
        self.calendar = calendar
        self._working: dict[int, bool] = {}

    def hours(self, amount: int, tenths_after_due: int) -> float:
        """Hours used when completed `tenths_after_due` tenths of an hour after the due instant."""
        return amount + tenths_after_due / 10

    def working_days(self, amount: int, final: int, delta: int) -> float:
        """Working days used when completed `delta` days after the final day `final` (a day number)."""
        done = final + delta
        return float(amount - self._between(done, final) if done <= final else amount + self._between(final, done))

    def days(self, amount: int, delta: int) -> float:
        """Calendar days used (day rules)."""
        return float(amount + delta)

    def month_days(self, amount: int, month: str, delta: int) -> float:
        """Days used on a rule of `amount` months whose final day lies in `month` (YYYY-MM)."""
        first = date.fromisoformat(f"{month}-01")
        year, month0 = divmod(first.year * 12 + first.month - 1 - amount, 12)
        return float((first - date(year, month0 + 1, 1)).days + delta)

    def _between(self, after: int, through: int) -> int:
        """Working days d with after < d <= through (day numbers)."""
        return sum(self._is_working(d) for d in range(after + 1, through + 1))

    def _is_working(self, number: int) -> bool:
        if number not in self._working:
            self._working[number] = self.calendar.is_working_day(day_of(number))
        return self._working[number]
