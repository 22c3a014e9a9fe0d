"""Writing a case change with SQLAlchemy Core: a fixed, small set of statements built once.

The hot paths (opening a case, completing a task) write what they changed and nothing else: the
case row (its version, so a change made meanwhile is noticed, and its case-list values, see
engine.cases.summary), the workflow state, the task rows that ended, the new task rows and the
events, each kind in one statement. The timer table is touched only when the workflow has or had
timers. engine.cases.runtime.CaseRun.save is the general path (closing, migration, the worker).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import JSON, bindparam, func, insert, select, type_coerce, update
from sqlalchemy.orm import Session

from engine.cases.models import Case, CaseEvent, CaseState
from engine.cases.record_models import TaskSubmission
from engine.cases.runtime import task_values
from engine.cases.summary import SUMMARY_FIELDS, fields_of, summarise
from engine.cases.workflow_state import SERIALIZER_VERSION, dump_state
from engine.deadlines.timers import waiting_timers
from engine.process_models.models import LaneGroup
from engine.tasks.models import CANCELLED, COMPLETED, READY, Task
from engine.users.models import User

CASES, STATES, TASKS = Case.__table__, CaseState.__table__, Task.__table__
EVENTS, LANES, SUBMISSIONS = CaseEvent.__table__, LaneGroup.__table__, TaskSubmission.__table__


class StaleCase(Exception):
    """The case or the task changed after it was read: the change must be made again from a fresh read."""


# Every change of a case moves its version on (a change based on an older read finds no row) and
# writes the case-list values (engine.cases.summary) in the same statement.
_BUMP = (update(CASES)
         .where(CASES.c.id == bindparam("case"), CASES.c.lock_version == bindparam("version"))
         .values(lock_version=CASES.c.lock_version + 1, updated_at=bindparam("now"),
                 **{name: bindparam(f"v_{name}") for name in SUMMARY_FIELDS}))
_CLOSE = _BUMP.values(status="closed", closed_at=bindparam("now"))
_SAVE_STATE = (update(STATES).where(STATES.c.case_id == bindparam("case"))
               .values(state=bindparam("workflow"), serializer_version=bindparam("serializer")))
_COMPLETE = (update(TASKS)
             .where(TASKS.c.id == bindparam("task"), TASKS.c.state == READY,
                    TASKS.c.assignee_id.is_not_distinct_from(bindparam("holder_seen")))
             .values(state=COMPLETED, assignee_id=bindparam("holder"), ended_at=bindparam("now"),
                     ended_by_id=bindparam("by")))
_CANCEL = (update(TASKS)
           .where(TASKS.c.case_id == bindparam("case"), TASKS.c.state == READY,
                  TASKS.c.id.in_(bindparam("ids", expanding=True)))
           .values(state=CANCELLED, ended_at=bindparam("now"))
           .returning(TASKS.c.id, TASKS.c.name))
_LANES = select(LANES.c.lane_name, LANES.c.group_key, LANES.c.to_owner).where(
    LANES.c.lane_name.in_(bindparam("names", expanding=True)))
# Every lane group as one JSON value, for a statement that reads them along with something else.
_ALL_LANES = {
    "sqlite": select(func.json_group_array(func.json_array(LANES.c.lane_name, LANES.c.group_key,
                                                           LANES.c.to_owner))),
    "postgresql": select(func.json_agg(func.json_build_array(LANES.c.lane_name, LANES.c.group_key,
                                                             LANES.c.to_owner))),
}
INSERT_TASKS, INSERT_EVENTS = insert(TASKS), insert(EVENTS)
_SUBMIT = insert(SUBMISSIONS)


def _then(guarded: Any, returning: tuple, statement: Any) -> Any:
    """PostgreSQL: `guarded` (an UPDATE with its condition) and `statement` on what it returned, in
    one statement (a data-modifying WITH): one round trip instead of two, and `statement` changes no
    row when `guarded` found none."""
    done = guarded.returning(*returning).cte("guarded")
    return statement(done).add_cte(done).execution_options(preserve_rowcount=True)  # an INSERT's too


# PostgreSQL only (SQLite has no UPDATE in WITH): the case and its state; the task and its submission.
_SAVE_CASE = {close: _then(_CLOSE if close else _BUMP, (CASES.c.id,), lambda done: _SAVE_STATE.where(
    STATES.c.case_id.in_(select(done.c.id)))) for close in (False, True)}
_COMPLETE_SUBMIT = _then(_COMPLETE, (TASKS.c.id, TASKS.c.case_id), lambda done: _SUBMIT.from_select(
    ["task_id", "case_id", "data", "submitted_at"],
    select(done.c.id, done.c.case_id, bindparam("data", type_=SUBMISSIONS.c.data.type),
           bindparam("now", type_=SUBMISSIONS.c.submitted_at.type))))


class EventBatch:
    """The events of one change of a case, written in the order they were added, in one statement."""

    def __init__(self, case_id: UUID, actor: User | None, at: datetime) -> None:
        self._base = {"case_id": case_id, "at": at, "actor_id": actor.id if actor else None,
                      "actor": actor.username if actor else "system"}
        self._rows: list[dict[str, Any]] = []

    def add(self, kind: str, summary: str, task_id: UUID | None = None, details: dict | None = None) -> None:
        """One more event (its summary never holds personal data)."""
        self._rows.append({**self._base, "kind": kind, "summary": summary, "task_id": task_id,
                           "details": details or {}})

    def write(self, session: Session) -> None:
        """Insert what was added so far: before any ORM code records events of its own, to keep the order."""
        if self._rows:
            session.connection().execute(INSERT_EVENTS, self._rows)
            self._rows = []


def save_case(session: Session, case_id: UUID, version: int, workflow: BpmnWorkflow, now: datetime,
              values: dict[str, Any], close: bool = False) -> None:
    """Move the case's version on from `version` (StaleCase when it moved meanwhile), write its
    case-list `values` (summary_values), `close` it too, and store its workflow state."""
    params = {"case": case_id, "version": version, "now": now, "workflow": dump_state(workflow),
              "serializer": SERIALIZER_VERSION, **{f"v_{k}": v for k, v in values.items()}}
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        if conn.execute(_SAVE_CASE[close], params).rowcount != 1:
            raise StaleCase()
        return
    if conn.execute(_CLOSE if close else _BUMP, params).rowcount != 1:
        raise StaleCase()
    conn.execute(_SAVE_STATE, params)


def summary_values(session: Session, version_id: UUID, workflow: BpmnWorkflow, due: Iterable[datetime | None]
                   ) -> dict[str, Any]:
    """The case-list values of a case after this change (engine.cases.summary.refresh_summary's,
    from memory): the workflow's, and the next deadline among `due` (the due times of the READY
    task rows after the change) and the workflow's waiting timers (the timer table's WAITING rows)."""
    summary = summarise(workflow, fields_of(session, version_id))
    times = [at for at in due if at is not None] + [at for _task, at in waiting_timers(workflow).values()]
    return {"risk_level": summary.risk_level, "acute": summary.acute, "search_text": summary.search_text,
            "next_due_at": min(times, default=None)}


def complete_row(session: Session, case_id: UUID, task_id: UUID, holder_seen: UUID | None, user: User,
                 now: datetime, data: dict[str, Any]) -> None:
    """Mark the task completed by `user` if it is still READY and held as read (StaleCase otherwise),
    and keep what was submitted for the case record (engine.cases.record): after the task's row, so
    the loser of a race gets its 409 from that row and never collides with the winner's submission."""
    params = {"task": task_id, "holder_seen": holder_seen, "holder": holder_seen or user.id, "now": now,
              "by": user.id, "data": data}
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        if conn.execute(_COMPLETE_SUBMIT, params).rowcount != 1:
            raise StaleCase()
        return
    if conn.execute(_COMPLETE, params).rowcount != 1:
        raise StaleCase()
    conn.execute(_SUBMIT, {"task_id": task_id, "case_id": case_id, "data": data, "submitted_at": now})


def cancel_rows(session: Session, case_id: UUID, task_ids: list[UUID], now: datetime) -> list[tuple[UUID, str]]:
    """Cancel the READY rows of tasks the workflow dropped; their (id, name)."""
    if not task_ids:
        return []
    return [(row.id, row.name) for row in
            session.connection().execute(_CANCEL, {"case": case_id, "ids": task_ids, "now": now})]


def ready_user_tasks(workflow: BpmnWorkflow) -> dict[UUID, SpiffTask]:
    """The workflow's READY user tasks by id (the task table holds a READY row for each)."""
    return {task.id: task for task in workflow.get_tasks(state=TaskState.READY, manual=True)}


def new_task_rows(spiff_tasks: Iterable[SpiffTask], case_id: UUID, version_id: UUID, lanes: Mapping[str, Any],
                  owner_id: UUID | None, now: datetime) -> list[dict[str, Any]]:
    """The rows of new READY user tasks (lanes routed to the owner go to `owner_id`, the case's active owner)."""
    return [task_values(task, case_id, version_id, lanes, owner_id, now) for task in spiff_tasks]


def insert_tasks(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert new task rows, in one statement."""
    if rows:
        session.connection().execute(INSERT_TASKS, rows)


def lanes_needed(spiff_tasks: Iterable[SpiffTask]) -> set[str]:
    """The lanes of these tasks (their lane groups decide candidate group and owner routing)."""
    return {lane for task in spiff_tasks if (lane := getattr(task.task_spec, "lane", None))}


def lane_groups(session: Session, names: set[str]) -> Mapping[str, Any]:
    """The lane groups of lanes `names` (none read when no task has a lane)."""
    if not names:
        return {}
    return {row.lane_name: row for row in session.connection().execute(_LANES, {"names": sorted(names)})}


def all_lane_groups(dialect: str) -> Any:
    """A column with every lane group, to read with another statement (lanes_from)."""
    return type_coerce(_ALL_LANES[dialect].scalar_subquery(), JSON).label("lane_groups")


def lanes_from(value: Any) -> Mapping[str, Any]:
    """Lane groups by lane name from an all_lane_groups column."""
    return {name: _Lane(name, group, bool(to_owner)) for name, group, to_owner in value or []}


class _Lane(NamedTuple):
    lane_name: str
    group_key: str
    to_owner: bool


def event_after(guarded: Any) -> Any:
    """PostgreSQL: `guarded` (an UPDATE of a task row with its condition) and, when it changed the
    row, one event about the task, in one statement (rowcount: 1, or 0 when the condition failed)."""
    columns = {name: bindparam(f"e_{name}", type_=EVENTS.c[name].type)
               for name in ("at", "kind", "actor_id", "actor", "summary", "details")}
    return _then(guarded, (TASKS.c.id, TASKS.c.case_id), lambda done: INSERT_EVENTS.from_select(
        ["case_id", "task_id", *columns], select(done.c.case_id, done.c.id, *columns.values())))


def event_params(actor: User | None, at: datetime, kind: str, summary: str, details: dict | None) -> dict[str, Any]:
    """The parameters of event_after's event."""
    return {"e_at": at, "e_kind": kind, "e_actor_id": actor.id if actor else None,
            "e_actor": actor.username if actor else "system", "e_summary": summary, "e_details": details or {}}
