"""Deadline compliance per statutory rule and month, counted as the case page counts deadlines.

A deadline is a task's due date (webui.ui.queries.case_deadlines): met on time when the task was
completed at or before it, met late when after, missed when the task is still open past it, open
when not yet due; cancelled tasks have none. A deadline belongs to the period and month of its final
moment (a day-counted deadline to its last day). Share met = on time / (on time + late + missed).
The database does the counting: one grouped query over the deadlines index.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from engine.deadlines.calendar import DanishCalendar
from engine.deadlines.rules import list_rules
from engine.reports.periods import (
    LocalDays,
    bucket_sql,
    epoch_of,
    local_day_sql,
    midnight_day_sql,
    month_starts,
    months,
    weighted_percentile,
)
from engine.reports.scope import TASKS, Scope, task_filter
from engine.reports.suppression import derived, shown
from engine.reports.time_used import USED_UNITS, TimeUsed
from engine.tasks.models import CANCELLED, COMPLETED

OUTCOMES = ("on_time", "late", "missed", "open")
NO_RULE = "-"


@dataclass
class Tally:
    """Outcomes and times used of one rule in one month (or the whole period)."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    used: dict[float, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, outcome: str, n: int, used: float | None) -> None:
        self.counts[outcome] += n
        if used is not None:
            self.used[used] += n

    def figures(self, min_cell: int) -> dict[str, Any]:
        """The tally as a report shows it, small cells suppressed."""
        total = sum(self.counts.values())
        decided = total - self.counts["open"]
        counted, measured = sorted(self.used.items()), sum(self.used.values())
        return {
            "total": shown(total, min_cell), **{k: shown(v, min_cell) for k, v in self.counts.items()},
            "share_met": derived(self.counts["on_time"] / decided if decided else None, decided, min_cell),
            "median_used": derived(_round(weighted_percentile(counted, 0.5)), measured, min_cell),
            "p90_used": derived(_round(weighted_percentile(counted, 0.9)), measured, min_cell),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _grouped(session: Session, scope: Scope, rules: dict[str, Any], days: LocalDays) -> list[Any]:
    """(rule, month index, outcome, final day, days from it to completion, tenths of an hour after
    due, count): the final day only for working-day rules, tenths only for hour rules."""
    dialect = session.get_bind().dialect.name
    by_hours = [k for k, r in rules.items() if r.unit == "hours"] or ["-"]
    by_working_days = [k for k, r in rules.items() if r.unit == "working_days"] or ["-"]
    done = TASKS.c.state == COMPLETED
    final = midnight_day_sql(TASKS.c.due_at, dialect)  # only read for rules counted in days
    seconds_late = epoch_of(TASKS.c.ended_at, dialect) - epoch_of(TASKS.c.due_at, dialect)
    outcome = case((done, case((TASKS.c.ended_at <= TASKS.c.due_at, "on_time"), else_="late")),
                   (TASKS.c.due_at <= scope.now, "missed"), else_="open")
    inner = select(
        TASKS.c.due_rule.label("rule"),
        bucket_sql(TASKS.c.due_at, month_starts(scope.period), closed_right=True).label("month"),
        outcome.label("outcome"),
        case((and_(done, TASKS.c.due_rule.in_(by_working_days)), final), else_=literal(None)).label("final"),
        case((and_(done, TASKS.c.due_rule.not_in(by_hours)),
              local_day_sql(TASKS.c.ended_at, dialect, days) - final), else_=literal(None)).label("delta"),
        case((and_(done, TASKS.c.due_rule.in_(by_hours)), func.round(seconds_late / 360.0)),
             else_=literal(None)).label("tenths"),
    ).where(TASKS.c.due_at > scope.period.start, TASKS.c.due_at <= scope.period.end, TASKS.c.state != CANCELLED,
            task_filter(scope)).subquery()
    columns = [inner.c.rule, inner.c.month, inner.c.outcome, inner.c.final, inner.c.delta, inner.c.tenths]
    return list(session.execute(select(*columns, func.count()).group_by(*columns)))


def _used(timing: TimeUsed, rule: Any, month: str, final: Any, delta: Any, tenths: Any) -> float | None:
    if rule is None or (delta is None and tenths is None):
        return None
    if rule.unit == "hours":
        return timing.hours(rule.amount, int(tenths))
    if rule.unit == "working_days":
        return timing.working_days(rule.amount, int(final), int(delta))
    if rule.unit == "months":
        return timing.month_days(rule.amount, month, int(delta))
    return timing.days(rule.amount, int(delta))


def deadline_compliance(session: Session, scope: Scope, calendar: DanishCalendar) -> dict[str, Any]:
    """Per rule (and per month of the period): deadlines that fell in the period by outcome, the share
    met, and the median and 90th percentile of the time used in the rule's unit."""
    rules = {rule.key: rule for rule in list_rules(session)}
    days = LocalDays(scope.period.zone, scope.period.first.year, max(scope.period.last.year, scope.now.year))
    timing, names = TimeUsed(calendar), months(scope.period)
    totals: dict[str, Tally] = defaultdict(Tally)
    by_month: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for rule_key, index, outcome, final, delta, tenths, n in _grouped(session, scope, rules, days):
        key, month = rule_key or NO_RULE, names[max(0, min(int(index), len(names) - 1))]
        used = _used(timing, rules.get(key), month, final, delta, tenths)
        totals[key].add(outcome, n, used)
        by_month[key, month].add(outcome, n, used)
    return {"rules": [_rule_figures(key, rules.get(key), totals[key], by_month, scope)
                      for key in _order(totals, rules)]}


def _order(totals: dict[str, Tally], rules: dict[str, Any]) -> list[str]:
    """The configured rules first (by key, each even with no deadline), then deadlines without a rule."""
    return sorted(rules) + ([NO_RULE] if NO_RULE in totals else [])


def _rule_figures(key: str, rule: Any, total: Tally, by_month: dict[tuple[str, str], Tally],
                  scope: Scope) -> dict[str, Any]:
    unit = rule.unit if rule is not None else None
    return {
        "rule": key, "name": rule.name if rule is not None else None,
        "law_reference": rule.law_reference if rule is not None else None,
        "amount": rule.amount if rule is not None else None, "unit": unit,
        "used_unit": USED_UNITS.get(unit or "", None), **total.figures(scope.min_cell),
        "months": [{"month": month, **by_month.get((key, month), Tally()).figures(scope.min_cell)}
                   for month in months(scope.period)],
    }
