"""The heatmap on a process's diagram: per element, the open cases waiting there now and how long
they have waited, the median time a task there took over the last year, and how often its deadline
was missed; the elements that miss most are ranked. Elements are matched by BPMN id across the
process's versions (a case on an older version waits at the same element of the newest diagram)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from engine.bpmn.model import bpmn_descendants
from engine.bpmn.problems import BpmnValidationError
from engine.bpmn.xml import parse_xml
from engine.process_models.models import ProcessVersion
from engine.reports.periods import epoch_of, weighted_percentile
from engine.reports.scope import CASES, TASKS
from engine.reports.suppression import derived, shown
from engine.tasks.models import COMPLETED, READY

HOUR = 3600.0
YEAR = timedelta(days=365)
TOP_MISSED = 3  # the elements marked as missing their deadline most often


def _versions(key: str) -> Any:
    return select(ProcessVersion.id).where(ProcessVersion.key == key)


def _histograms(session: Session, query: Any) -> dict[str, list[tuple[float, int]]]:
    """(bpmn_id, hours, count) rows as sorted (days, count) pairs per element."""
    found: dict[str, Counter[float]] = defaultdict(Counter)
    for element, hours, n in session.execute(query):
        found[element][max(0.0, float(hours)) / 24] += n
    return {element: sorted(counter.items()) for element, counter in found.items()}


def _waiting(session: Session, key: str, now: datetime) -> dict[str, list[tuple[float, int]]]:
    dialect = session.get_bind().dialect.name
    hours = func.round((literal(now.timestamp()) - epoch_of(TASKS.c.created_at, dialect)) / HOUR).label("hours")
    inner = (select(TASKS.c.bpmn_id, hours).join(CASES, CASES.c.id == TASKS.c.case_id)
             .where(TASKS.c.state == READY, TASKS.c.process_version_id.in_(_versions(key)), CASES.c.status == "open")
             .subquery())
    return _histograms(session, select(inner.c.bpmn_id, inner.c.hours, func.count())
                       .group_by(inner.c.bpmn_id, inner.c.hours))


def _took(session: Session, key: str, now: datetime) -> dict[str, list[tuple[float, int]]]:
    dialect = session.get_bind().dialect.name
    hours = func.round((epoch_of(TASKS.c.ended_at, dialect) - epoch_of(TASKS.c.created_at, dialect)) / HOUR)
    inner = (select(TASKS.c.bpmn_id, hours.label("hours"))
             .where(TASKS.c.state == COMPLETED, TASKS.c.process_version_id.in_(_versions(key)),
                    TASKS.c.ended_at >= now - YEAR).subquery())
    return _histograms(session, select(inner.c.bpmn_id, inner.c.hours, func.count())
                       .group_by(inner.c.bpmn_id, inner.c.hours))


def _deadlines(session: Session, key: str, now: datetime) -> dict[str, tuple[int, int]]:
    """(deadlines decided, of those missed) per element: due in the last year, completed late or still
    open past due (as the compliance report counts them)."""
    missed = case((TASKS.c.state == COMPLETED, case((TASKS.c.ended_at > TASKS.c.due_at, 1), else_=0)), else_=1)
    query = (select(TASKS.c.bpmn_id, func.count(), func.sum(missed))
             .where(TASKS.c.process_version_id.in_(_versions(key)), TASKS.c.due_at.is_not(None),
                    TASKS.c.due_at > now - YEAR, TASKS.c.due_at <= now, TASKS.c.state.in_((READY, COMPLETED)))
             .group_by(TASKS.c.bpmn_id))
    return {element: (int(n), int(late or 0)) for element, n, late in session.execute(query)}


def element_names(session: Session) -> dict[str, str]:
    """Element id -> name of the user tasks of every process's newest version (call activities' tasks
    appear in their own process)."""
    newest = (select(ProcessVersion.key, func.max(ProcessVersion.version).label("v"))
              .group_by(ProcessVersion.key).subquery())
    query = select(ProcessVersion.bpmn_xml).join(newest, (newest.c.key == ProcessVersion.key)
                                                 & (newest.c.v == ProcessVersion.version))
    names: dict[str, str] = {}
    for xml in session.scalars(query):
        try:
            root = parse_xml(xml)
        except BpmnValidationError:
            continue
        for task in bpmn_descendants(root, "userTask"):
            names.setdefault(task.get("id") or "", task.get("name") or task.get("id") or "")
    return names


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def process_heatmap(session: Session, key: str, now: datetime, min_cell: int) -> dict[str, Any]:
    """Per element id: `waiting` (open cases now), `median_wait_days`, `median_days` (a task's time
    there), `deadlines`, `missed_share` and `missed_rank` (1 = most often missed, top 3 only)."""
    waiting, took, deadlines = _waiting(session, key, now), _took(session, key, now), _deadlines(session, key, now)
    shares = {e: late / n for e, (n, late) in deadlines.items() if n >= min_cell and late}
    ranked = sorted(shares, key=lambda e: (-shares[e], e))[:TOP_MISSED]
    elements, names = {}, element_names(session)
    for element in sorted(set(waiting) | set(took) | set(deadlines)):
        now_waiting, done = waiting.get(element, []), took.get(element, [])
        n_waiting, n_done = sum(n for _d, n in now_waiting), sum(n for _d, n in done)
        n_deadlines, n_late = deadlines.get(element, (0, 0))
        elements[element] = {
            "name": names.get(element, element), "waiting": shown(n_waiting, min_cell),
            "median_wait_days": derived(_round(weighted_percentile(now_waiting, 0.5)), n_waiting, min_cell),
            "median_days": derived(_round(weighted_percentile(done, 0.5)), n_done, min_cell),
            "deadlines": shown(n_deadlines, min_cell),
            "missed_share": derived(n_late / n_deadlines if n_deadlines else None, n_deadlines, min_cell),
            "missed_rank": ranked.index(element) + 1 if element in ranked else None,
        }
    return {"process_key": key, "min_cell": min_cell, "elements": elements}
