"""Load a case's workflow, change it, mirror its user tasks, and save it: one transaction."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.attention import tell_team_leads
from engine.cases.models import Case, CaseState
from engine.cases.summary import refresh_summary
from engine.cases.workflow_state import (
    SERIALIZER_VERSION,
    SPEC_CACHE,
    Specs,
    dump_state,
    load_state,
    new_workflow,
)
from engine.clock import Clock, system_clock
from engine.db import utcnow
from engine.deadlines.rules import RuleSnapshot, calendar, deadline_function, snapshot
from engine.deadlines.timers import sync_timers, user_task_due
from engine.errors import InvalidInput
from engine.expressions import SafeScriptEngine, make_functions
from engine.process_models.models import LaneGroup, ProcessVersion
from engine.process_models.service import documents_for
from engine.tasks.models import CANCELLED, READY, Task
from engine.users.models import User

_TRANSLIT = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


class ProcessError(InvalidInput):
    """The diagram failed at run time (a condition or script raised); nothing was saved."""


def lane_slug(lane: str) -> str:
    """Fallback group key for a lane with no mapping: 'Rådgiver (børn)' → 'raadgiver-boern'."""
    text = unicodedata.normalize("NFKD", lane.translate(_TRANSLIT)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def script_engine(clock: Clock = system_clock, rules: RuleSnapshot | None = None) -> SafeScriptEngine:
    """The restricted expression engine every case runs with, reading time from `clock`."""
    deadline = deadline_function(rules, calendar(), clock) if rules is not None else None
    engine = SafeScriptEngine(functions=make_functions(clock, deadline))
    engine.clock = clock  # read by our timer events (engine.deadlines.timer_events)
    return engine


def specs_for(session: Session, version: ProcessVersion) -> Specs:
    """Parsed specs of a process version, from the in-memory cache when possible."""
    return SPEC_CACHE.get(version.id, lambda: documents_for(session, version), version.key)


def run_engine(workflow: BpmnWorkflow, task: SpiffTask | None = None) -> None:
    """Run `task` (if given) and every automatic step after it; diagram errors become ProcessError."""
    try:
        if task is not None:
            task.run()
        workflow.do_engine_steps()
        workflow.refresh_timers()
        workflow.do_engine_steps()
    except (WorkflowTaskException, SpiffWorkflowException) as exc:
        element = getattr(getattr(exc, "task_spec", None), "bpmn_id", None)
        raise ProcessError(
            "the process could not continue",
            [{"element_id": element, "message": str(exc).splitlines()[0][:300]}],
        ) from exc


@dataclass
class CaseRun:
    """A case with its loaded workflow, inside the caller's transaction."""

    case: Case
    workflow: BpmnWorkflow
    state: CaseState
    clock: Clock = system_clock
    created: list[Task] = field(default_factory=list)
    ready: list[Task] = field(default_factory=list)
    fired: list[Any] = field(default_factory=list)

    def save(self, session: Session, actor: User | None) -> None:
        """Store the workflow state and mirror its READY user tasks; the caller commits."""
        self.state.state = dump_state(self.workflow)
        self.state.serializer_version = SERIALIZER_VERSION
        now = self.clock()
        # Touching the case row makes every save an UPDATE with the optimistic version check.
        self.case.updated_at = utcnow()
        self.created, self.ready = sync_tasks(session, self.case, self.workflow, actor, now)
        self.fired = sync_timers(session, self.case, self.workflow, now, actor)
        tell_team_leads(session, self.case.id, self.case.reference, self.workflow,
                        [(row.id, row.due_at) for row in self.created], actor, now)  # acute danger
        if self.workflow.is_completed() and self.case.status == "open":
            self.case.status = "closed"
            self.case.closed_at = now
            events.record(session, self.case.id, events.CASE_CLOSED, actor, "Sagen er afsluttet", at=now)
        session.flush()
        refresh_summary(session, self.case.id, self.case.process_version_id, self.workflow)  # case lists


def load_case_run(session: Session, case: Case, clock: Clock = system_clock) -> CaseRun:
    """Load the workflow of `case` (already locked by the caller where needed)."""
    state = session.get(CaseState, case.id)
    if state is None:
        raise RuntimeError(f"case {case.reference} has no saved state")
    specs = specs_for(session, case.process_version)
    workflow = load_state(state.state, specs, script_engine(clock, snapshot(session)))
    return CaseRun(case=case, workflow=workflow, state=state, clock=clock)


def start_case_run(
    session: Session, case: Case, version: ProcessVersion, data: dict[str, Any], clock: Clock = system_clock
) -> CaseRun:
    """Create and start the workflow of a new case with `data` as its initial task data."""
    workflow = new_workflow(specs_for(session, version), script_engine(clock, snapshot(session)))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.set_data(**data)
    run_engine(workflow)
    state = CaseState(case_id=case.id, serializer_version=SERIALIZER_VERSION, state={})
    session.add(state)
    return CaseRun(case=case, workflow=workflow, state=state, clock=clock)


def _lane_groups(session: Session) -> dict[str, LaneGroup]:
    return {row.lane_name: row for row in session.scalars(select(LaneGroup))}


def candidate_group(spec: Any, lanes: Mapping[str, Any]) -> str | None:
    """`camunda:candidateGroups` (first) when set, else the lane's mapped group, else its slug."""
    groups = (getattr(spec, "extensions", None) or {}).get("candidate_groups") or []
    if groups:
        return str(groups[0])
    lane = getattr(spec, "lane", None)
    if not lane:
        return None
    return lanes[lane].group_key if lane in lanes else lane_slug(lane)


def owner_of_lane(spec: Any, lanes: Mapping[str, Any], owner_id: UUID | None) -> UUID | None:
    """The case's active owner (`owner_id`; None without one) when the task's lane is routed to the owner."""
    lane = getattr(spec, "lane", None)
    return owner_id if lane in lanes and lanes[lane].to_owner else None


def active_owner(case: Case) -> UUID | None:
    """The id of the case's owner while they are active (tasks are routed only to an active owner)."""
    return case.owner_id if case.owner is not None and case.owner.active else None


def task_values(spiff_task: SpiffTask, case_id: UUID, version_id: UUID, lanes: Mapping[str, Any],
                owner_id: UUID | None, now: datetime) -> dict[str, Any]:
    """The task-table row of a READY user task that has none yet (`lanes`: the lane groups by lane
    name, ORM rows or Core rows; `owner_id`: the case's active owner)."""
    spec = spiff_task.task_spec
    due_at, rule_key = _due(spiff_task)
    return {
        "id": spiff_task.id, "case_id": case_id, "process_version_id": version_id,
        "bpmn_id": spec.bpmn_id or spec.name, "name": (spec.bpmn_name or spec.bpmn_id or spec.name)[:255],
        "lane": getattr(spec, "lane", None), "candidate_group": candidate_group(spec, lanes),
        "assignee_id": owner_of_lane(spec, lanes, owner_id),
        "form_key": (getattr(spec, "extensions", None) or {}).get("form_key"),
        "created_at": now, "due_at": due_at, "due_rule": rule_key, "state": READY,
    }


def sync_tasks(
    session: Session, case: Case, workflow: BpmnWorkflow, actor: User | None, now: datetime
) -> tuple[list[Task], list[Task]]:
    """Make the task table match the workflow's READY user tasks; return (new rows, all READY rows)."""
    ready = {t.id: t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
    rows = {
        row.id: row
        for row in session.scalars(select(Task).where(Task.case_id == case.id, Task.state == READY))
    }
    for task_id, row in rows.items():
        if task_id not in ready:
            row.state = CANCELLED
            row.ended_at = now
            events.record(session, case.id, events.TASK_CANCELLED, actor,
                          f"Opgaven '{row.name}' blev annulleret", task_id=row.id, at=now)
    lanes: dict[str, LaneGroup] | None = None
    created: list[Task] = []
    still_ready: list[Task] = []
    for task_id, spiff_task in ready.items():
        if task_id in rows:
            still_ready.append(rows[task_id])
            continue
        if lanes is None:
            lanes = _lane_groups(session)
        # case set, not lazy-loaded: dumping the new task must not need another query
        row = Task(**task_values(spiff_task, case.id, case.process_version_id, lanes, active_owner(case), now),
                   case=case)
        session.add(row)
        created.append(row)
        events.record(session, case.id, events.TASK_CREATED, actor,
                      f"Opgaven '{row.name}' er klar", task_id=row.id, at=now)
    still_ready.sort(key=lambda row: (row.created_at, str(row.id)))
    return created, still_ready + created


def _due(task: SpiffTask) -> tuple[datetime | None, str | None]:
    try:
        return user_task_due(task)
    except (WorkflowTaskException, SpiffWorkflowException, ValueError) as exc:
        raise ProcessError(
            "the task's due date could not be computed",
            [{"element_id": task.task_spec.bpmn_id, "message": str(exc).splitlines()[0][:300]}],
        ) from exc


def find_ready_task(workflow: BpmnWorkflow, task_id: UUID) -> SpiffTask | None:
    """The READY task `task_id` of the workflow, or None."""
    try:
        task = workflow.get_task_from_id(task_id)
    except TaskNotFoundException:
        return None
    return task if task.state == TaskState.READY else None
