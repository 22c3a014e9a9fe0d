"""The flow of cases: new cases per week by referral source, open cases by stage, times from the
referral to the milestones (engine.reports.milestones), and closing reasons."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from engine.cases.models import ClosingReason
from engine.reports.milestones import MILESTONES
from engine.reports.periods import LocalDays, epoch_of, local_day_sql, week_key, weeks, weighted_percentile
from engine.reports.scope import CASES, TASKS, Scope, case_filter, task_filter
from engine.reports.suppression import derived, shown
from engine.tasks.models import READY

UNKNOWN = "-"


def _opened_in(scope: Scope) -> Any:
    return (CASES.c.opened_at >= scope.period.start) & (CASES.c.opened_at < scope.period.end) & case_filter(scope)


def new_cases(session: Session, scope: Scope) -> dict[str, Any]:
    """New cases per ISO week (Danish time) and referral source."""
    dialect = session.get_bind().dialect.name
    days = LocalDays(scope.period.zone, scope.period.first.year, scope.period.last.year)
    counts: Counter[tuple[str, str]] = Counter()
    inner = select(CASES.c.referral_source.label("source"),
                   local_day_sql(CASES.c.opened_at, dialect, days).label("day")).where(_opened_in(scope)).subquery()
    query = select(inner.c.source, inner.c.day, func.count()).group_by(inner.c.source, inner.c.day)
    for source, day, n in session.execute(query):
        counts[week_key(int(day)), source or UNKNOWN] += n
    sources = sorted({source for _week, source in counts})
    return {"sources": sources, "weeks": [
        {"week": week, "counts": {s: shown(counts[week, s], scope.min_cell) for s in sources},
         "total": shown(sum(counts[week, s] for s in sources), scope.min_cell)} for week in weeks(scope.period)]}


def open_by_stage(session: Session, scope: Scope) -> list[dict[str, Any]]:
    """Open cases by the task they wait at now (a case waiting at two tasks counts at both)."""
    query = (select(TASKS.c.bpmn_id, func.min(TASKS.c.name), func.count(TASKS.c.case_id.distinct()))
             .join(CASES, CASES.c.id == TASKS.c.case_id)
             .where(TASKS.c.state == READY, CASES.c.status == "open", task_filter(scope))
             .group_by(TASKS.c.bpmn_id).order_by(func.count(TASKS.c.case_id.distinct()).desc(), TASKS.c.bpmn_id))
    return [{"element": element, "name": name, "cases": shown(n, scope.min_cell)}
            for element, name, n in session.execute(query)]


def times_to_milestones(session: Session, scope: Scope) -> list[dict[str, Any]]:
    """For cases referred (opened) in the period: how many reached each milestone, and the median and
    90th percentile of days from the referral (to a tenth of a day; the database sends a histogram).
    One statement: the period's cases are read once (a CTE used four times, which both databases
    materialize), so a team's membership test runs once, not per milestone."""
    dialect = session.get_bind().dialect.name
    opened = session.scalar(select(func.count()).select_from(CASES).where(_opened_in(scope))) or 0
    cohort = select(CASES.c.referred_at, *MILESTONES.values()).where(_opened_in(scope)).cte("cohort")
    parts = []
    for index, column in enumerate(MILESTONES.values()):
        reached = cohort.c[column.name]
        tenths = func.round((epoch_of(reached, dialect) - epoch_of(cohort.c.referred_at, dialect)) / 8640.0)
        parts.append(select(literal(index).label("milestone"), tenths.label("tenths"), func.count().label("n"))
                     .where(reached.is_not(None)).group_by(tenths))
    counters: list[Counter[float]] = [Counter() for _ in MILESTONES]
    for index, value, n in session.execute(union_all(*parts)):
        counters[index][max(0.0, float(value) / 10)] += n
    return [_milestone(name, opened, counter, scope.min_cell) for name, counter in zip(MILESTONES, counters,
                                                                                        strict=True)]


def _milestone(name: str, opened: int, counter: Counter[float], min_cell: int) -> dict[str, Any]:
    pairs, n = sorted(counter.items()), sum(counter.values())
    return {"milestone": name, "cases": shown(opened, min_cell), "reached": shown(n, min_cell),
            "median_days": derived(_round(weighted_percentile(pairs, 0.5)), n, min_cell),
            "p90_days": derived(_round(weighted_percentile(pairs, 0.9)), n, min_cell)}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def closing_reasons(session: Session, scope: Scope) -> list[dict[str, Any]]:
    """Cases closed in the period by closing reason."""
    reasons = {r.key: r for r in session.scalars(select(ClosingReason))}
    query = (select(CASES.c.closing_reason, func.count()).where(
        CASES.c.closed_at >= scope.period.start, CASES.c.closed_at < scope.period.end, case_filter(scope))
        .group_by(CASES.c.closing_reason))
    rows = sorted(session.execute(query), key=lambda row: (-row[1], row[0] or ""))
    return [{"reason": key or UNKNOWN, "name": reasons[key].name if key in reasons else None,
             "name_en": reasons[key].name_en if key in reasons else None, "cases": shown(n, scope.min_cell)}
            for key, n in rows]


def case_flow(session: Session, scope: Scope) -> dict[str, Any]:
    """Every figure of the flow report."""
    return {"new_cases": new_cases(session, scope), "open_by_stage": open_by_stage(session, scope),
            "milestones": times_to_milestones(session, scope), "closing_reasons": closing_reasons(session, scope)}
