"""Writing a completion (engine.tasks.completion): reads first, then the case, then the rest; one commit.

The few reads the change needs (the still-READY tasks' rows, when the workflow has any) come first,
so on SQLite they stay in the read snapshot and the write lock is held for the writes alone. The
writes start with the case row (its version check, its case-list values and, when the workflow
ended, its closing), as every change of a case locks the case first, then its state, then tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.attention import tell_team_leads
from engine.cases.changes import (
    EventBatch,
    cancel_rows,
    complete_row,
    insert_tasks,
    lanes_from,
    new_task_rows,
    ready_user_tasks,
    save_case,
    summary_values,
)
from engine.cases.consultant import note_involvement
from engine.cases.ending import record_ending
from engine.cases.milestones import reach, task_milestone
from engine.cases.models import Case
from engine.cases.need_to_know import CaseRef
from engine.cases.owner import apply_owner
from engine.cases.versions import PinnedVersion
from engine.deadlines.timers import sync_timers, waiting_timers
from engine.tasks.drafts import discard as discard_drafts
from engine.tasks.models import Task
from engine.tasks.rows import TaskView, expire, safe_contact_of, views_by_id
from engine.users.models import User


@dataclass(frozen=True)
class Change:
    """What a completion did before its writes."""

    user: User
    now: datetime
    owner: User | None  # the case owner this completion chose ("Fordel sag")
    before: set[UUID]  # the READY user tasks before the run
    had_timers: bool  # the workflow had waiting timers before the run
    data: dict[str, Any]  # what was submitted, as the form checked it


def write_completion(session: Session, row: Any, workflow: BpmnWorkflow, version: PinnedVersion,
                     change: Change) -> list[TaskView]:
    """Write the completion of `row`'s task, commit, and return the case's READY tasks as written
    (StaleCase, nothing written, when the case or the task changed since `row` was read)."""
    user, now, contact = change.user, change.now, safe_contact_of(row)
    after = ready_user_tasks(workflow)
    gone = [task_id for task_id in change.before if task_id not in after and task_id != row.id]
    kept = [task_id for task_id in after if task_id in change.before]
    owner_id, owner_name = (row.owner_id, row.owner_name) if row.owner_active else (None, None)
    if change.owner is not None:
        owner_id, owner_name = change.owner.id, change.owner.username
    still = views_by_id(session, kept, safe_contact=contact)
    new = new_task_rows((task for task_id, task in after.items() if task_id not in change.before), row.case_id,
                        version.id, lanes_from(row.lane_groups), owner_id, now)
    values = summary_values(session, version.id, workflow, [t.due_at for t in still] + [r["due_at"] for r in new])
    closing = workflow.is_completed() and row.case_status == "open"
    save_case(session, row.case_id, row.lock_version, workflow, now, values, close=closing)
    ended = record_ending(session, row.case_id, workflow) if closing else None
    complete_row(session, row.case_id, row.id, row.assignee_id, user, now, change.data)
    if milestone := task_milestone(row.bpmn_id):  # a conversation, measure or consultant task
        reach(session, row.case_id, milestone, now)
    session.flush()  # disclosures (ORM, sharing tasks only), before the completion's event
    batch = EventBatch(row.case_id, user, now)
    batch.add(events.TASK_COMPLETED, f"Opgaven '{row.name}' er udført", row.id, {"fields": sorted(change.data)})
    if change.owner is not None:
        still = _set_owner(session, row.case_id, change.owner, user, now, batch, kept, contact)
    _end_and_start(session, row, gone, new, batch, now)
    tell_team_leads(session, row.case_id, row.case_reference, workflow, [(v["id"], v["due_at"]) for v in new],
                    user, now)  # acute danger: the team leads hear at once
    if change.data.get("disclosure_summary"):  # a sharing task: the first sharing with a security consultant?
        note_involvement(session, row.case_id, workflow, user)
    if change.had_timers or waiting_timers(workflow):
        batch.write(session)
        sync_timers(session, CaseRef(row.case_id, owner_id), workflow, now, user)  # type: ignore[arg-type]
        session.flush()
    if closing:
        batch.add(events.CASE_CLOSED, f"Sagen er afsluttet: {ended}" if ended else "Sagen er afsluttet")
    batch.write(session)
    if row.has_drafts:  # drafts end with their tasks, in this commit
        discard_drafts(session, [row.id, *gone])
    session.commit()
    expire(session, Case, [row.case_id])
    expire(session, Task, [row.id, *gone, *kept])
    extra = {"case_reference": row.case_reference, "process_key": version.key, "process_version": version.version,
             "safe_contact": contact}
    made = [TaskView(**values, **extra, assignee_name=owner_name if values["assignee_id"] else None) for values in new]
    return sorted(still, key=lambda task: (task.created_at, str(task.id))) + made


def _set_owner(session: Session, case_id: UUID, owner: User, user: User, now: datetime, batch: EventBatch,
               kept: list[UUID], contact: Any) -> list[TaskView]:
    """The owner chosen by the completion, before the new tasks are created (tasks of owner lanes go
    to them); the still-READY tasks as they are then (some may have moved to the owner)."""
    batch.write(session)  # the completion's event before the owner's
    expire(session, Case, [case_id])
    apply_owner(session, session.get(Case, case_id), owner, user, now)
    session.flush()
    return views_by_id(session, kept, safe_contact=contact)


def _end_and_start(session: Session, row: Any, gone: list[UUID], new: list[dict[str, Any]], batch: EventBatch,
                   now: datetime) -> None:
    """Cancel the rows of the tasks the workflow dropped and insert the new ones, each with its event."""
    for task_id, name in cancel_rows(session, row.case_id, gone, now):
        batch.add(events.TASK_CANCELLED, f"Opgaven '{name}' blev annulleret", task_id)
    insert_tasks(session, new)
    for values in new:
        batch.add(events.TASK_CREATED, f"Opgaven '{values['name']}' er klar", values["id"])
