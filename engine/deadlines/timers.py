"""Mirror a case's waiting timer events into the timer table, and find user tasks' due dates."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import TaskNotFoundException
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.models import Case
from engine.deadlines.models import CANCELLED, FIRED, WAITING, Timer
from engine.deadlines.timer_events import add_iso_duration, task_now, to_instant
from engine.expressions import timer_source
from engine.users.models import User

MAX_OCCURRENCES = 1000  # of one cycle recorded in one save; a backstop, the worker fires far fewer per sweep
_RULE_CALL = re.compile(r"""\bdeadline\(\s*["']([A-Za-z0-9_]+)["']""")


def rule_key_of(expression: str | None) -> str | None:
    """The rule a timer or due-date expression names, e.g. `deadline("receipt_6_workdays", x)`."""
    match = _RULE_CALL.search(expression or "")
    return match.group(1) if match else None


def timer_due(task: SpiffTask) -> datetime | None:
    """When a waiting timer task falls due (the next occurrence for a cycle)."""
    value = task._get_internal_data("event_value")
    if isinstance(value, dict):
        value = value.get("next") if value.get("cycles") != 0 else None
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def waiting_timers(workflow: BpmnWorkflow) -> dict[UUID, tuple[SpiffTask, datetime]]:
    """Every timer event of the case (sub-processes included) that is waiting, with its due time."""
    found: dict[UUID, tuple[SpiffTask, datetime]] = {}
    for task in list(workflow.event_manager.tasks.values()):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition) and task.state == TaskState.WAITING:
            due = timer_due(task)
            if due is not None:
                found[task.id] = (task, due)
    return found


def _task_or_none(workflow: BpmnWorkflow, task_id: UUID) -> SpiffTask | None:
    try:
        return workflow.get_task_from_id(task_id)
    except TaskNotFoundException:
        return None


def sync_timers(
    session: Session, case: Case, workflow: BpmnWorkflow, now: datetime, actor: User | None
) -> list[Timer]:
    """Record timers that started waiting; mark the ended ones fired or cancelled. Returns fired rows."""
    current = waiting_timers(workflow)
    rows = session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.state == WAITING)).all()
    known = {(row.task_id, row.due_at) for row in rows}
    fired: list[Timer] = []
    for row in rows:
        task = _task_or_none(workflow, row.task_id)
        occurrences = _cycle_occurrences(task, row, now)
        if occurrences:
            fired += _fire_cycle(session, case, row, occurrences, now)
            continue
        still = current.get(row.task_id)
        if still is not None and still[1] == row.due_at:
            continue
        rearmed = still is not None and still[1] > row.due_at  # a cycle moved on to its next occurrence
        if rearmed or (task is not None and task.state in (TaskState.READY, TaskState.COMPLETED)):
            _mark_fired(session, case, row, now)
            fired.append(row)
        else:
            row.state = CANCELLED
        row.ended_at = now
    for task_id, (task, due) in current.items():
        if (task_id, due) in known:
            continue
        spec = task.task_spec
        session.add(Timer(
            case_id=case.id, task_id=task_id, bpmn_id=spec.bpmn_id or spec.name,
            name=(spec.bpmn_name or spec.bpmn_id or spec.name)[:255], due_at=due,
            rule_key=rule_key_of(getattr(spec.event_definition, "expression", None)), created_at=now,
        ))
    return fired


def _mark_fired(session: Session, case: Case, row: Timer, now: datetime) -> None:
    row.state, row.ended_at = FIRED, now
    row.late_seconds = max(0.0, (now - row.due_at).total_seconds())
    events.record(session, case.id, events.TIMER_FIRED, None, f"Tidsfristen '{row.name}' er udløbet",
                  task_id=row.task_id, at=now,
                  details={"bpmn_id": row.bpmn_id, "due_at": row.due_at.isoformat(),
                           "late_seconds": round(row.late_seconds, 3), "rule_key": row.rule_key})


def _cycle_occurrences(task: SpiffTask | None, row: Timer, now: datetime) -> list[datetime]:
    """The occurrences of a cycle timer (`task`) that fired since `row` was recorded (its own first).

    SpiffWorkflow fires every overdue occurrence of a cycle in one run (after downtime, several);
    the cycle's state says when the next one is due, so the fired ones lie between.
    """
    value = task._get_internal_data("event_value") if task is not None else None
    if not isinstance(value, dict) or "next" not in value or row.due_at > now:
        return []
    following, step = datetime.fromisoformat(value["next"]), str(value.get("duration") or "")
    occurrences, moment = [], row.due_at
    while moment < following and moment <= now and step and len(occurrences) < MAX_OCCURRENCES:
        occurrences.append(moment)
        moment = add_iso_duration(moment, step)
    return occurrences


def _fire_cycle(session: Session, case: Case, row: Timer, occurrences: list[datetime], now: datetime) -> list[Timer]:
    """Mark `row` (the first occurrence) and one new row per later occurrence fired, each with its lateness."""
    _mark_fired(session, case, row, now)
    fired = [row]
    for due in occurrences[1:]:
        extra = Timer(case_id=case.id, task_id=row.task_id, bpmn_id=row.bpmn_id, name=row.name, due_at=due,
                      rule_key=row.rule_key, created_at=now)
        session.add(extra)
        _mark_fired(session, case, extra, now)
        fired.append(extra)
    return fired


def _fired_at(timer: SpiffTask) -> datetime | None:
    """When a non-interrupting boundary timer that already fired was due: still the task's deadline
    (a case registered after its 24 hours have passed opens with the assessment already overdue)."""
    value = timer._get_internal_data("event_value") if timer.state == TaskState.COMPLETED else None
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def user_task_due(task: SpiffTask) -> tuple[datetime | None, str | None]:
    """A READY user task's due time and rule: its camunda:dueDate, else its earliest boundary timer."""
    text = ((getattr(task.task_spec, "extensions", None) or {}).get("due_date") or "").strip()
    if text:
        value: Any = task.workflow.script_engine.evaluate(task, timer_source(text))
        if value is None:  # e.g. `add_days(next_conversation, 1) if next_conversation else None`
            return None, None
        if isinstance(value, str) and value.strip().upper().startswith("P"):
            return add_iso_duration(task_now(task), value), rule_key_of(text)
        return to_instant(value), rule_key_of(text)
    parent = task.parent
    attached = []
    if parent is not None and parent.task_spec.name.endswith(".BoundaryEventSplit"):
        for sibling in parent.children:
            definition = getattr(sibling.task_spec, "event_definition", None)
            if not isinstance(definition, TimerEventDefinition):
                continue
            due = timer_due(sibling) if sibling.state == TaskState.WAITING else _fired_at(sibling)
            if due is not None:
                attached.append((due, rule_key_of(definition.expression)))
    return min(attached, key=lambda item: item[0]) if attached else (None, None)
