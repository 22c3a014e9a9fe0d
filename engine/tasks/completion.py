"""Completing a user task: the step every case takes many times, so it is kept to a few statements.

One SELECT reads the task, its case, the workflow state, the owner, the safe contact, the lane
groups and whether the case's open tasks have drafts. The access rule is decided from that row
(engine.cases.need_to_know.task_access), the form checked, the workflow run, and the change
written with Core statements (engine.tasks.completion_writes) in the same transaction, with one
commit; the answer is built from what was written.

Concurrency: the read takes no lock, every write checks what was read (the case's version, the
task still READY and held as read), so a change made meanwhile is never overwritten. If one was
made, the completion starts again with the case locked (PostgreSQL: FOR NO KEY UPDATE of the case,
its state and the task, see lock_case; SQLite: a transaction that holds the write lock from its
start) and decides again on what it then reads: a task that is no longer the user's to complete
is a 409 (the loser of two simultaneous completions), any other change of the case is taken
into account. A request that reads the task only after someone else completed it is answered by
the access rule as any later request (no relation left: 404).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, Text, bindparam, cast, select
from sqlalchemy.orm import Session

from engine.cases.changes import CASES, STATES, StaleCase, all_lane_groups, ready_user_tasks
from engine.cases.instances import INSTANCES
from engine.cases.moving import end_if_handed_over
from engine.cases.need_to_know import may_open_task, task_access
from engine.cases.owner import chosen_owner
from engine.cases.runtime import find_ready_task, run_engine, script_engine
from engine.cases.service import check_data
from engine.cases.versions import pinned_version, specs_of
from engine.cases.workflow_state import load_state
from engine.clock import Clock, system_clock
from engine.consent import sharing
from engine.consent.safe_contact_sync import apply_from_data as apply_safe_contact
from engine.consent.service import record_task_disclosures
from engine.deadlines.rules import snapshot
from engine.deadlines.timers import waiting_timers
from engine.errors import Conflict, NotFound, PermissionDenied
from engine.persons.threat_gate import refuse_threat_recipients
from engine.tasks.completion_writes import Change, write_completion
from engine.tasks.drafts import TaskDraft
from engine.tasks.models import READY
from engine.tasks.rows import CONTACTS, TASKS, USERS, TaskView, contact_columns, first, task_columns
from engine.tasks.validation import validated
from engine.users.models import User

OWNERS, OPEN_TASKS, DRAFTS = USERS.alias("owner"), TASKS.alias("open_task"), TaskDraft.__table__
# Whether any open task of the case has a draft: only then does the completion delete drafts.
_HAS_DRAFTS = (select(DRAFTS.c.task_id).join(OPEN_TASKS, OPEN_TASKS.c.id == DRAFTS.c.task_id)
               .where(OPEN_TASKS.c.case_id == TASKS.c.case_id, OPEN_TASKS.c.state == READY)
               .exists().label("has_drafts"))


def _read(dialect: str) -> Select:
    return (
        select(*task_columns(), CASES.c.reference.label("case_reference"),
               CASES.c.process_version_id.label("case_version_id"), CASES.c.status.label("case_status"),
               CASES.c.owner_id, CASES.c.lock_version, cast(STATES.c.state, Text).label("workflow_state"),
               OWNERS.c.username.label("owner_name"), OWNERS.c.active.label("owner_active"), *contact_columns(),
               all_lane_groups(dialect), _HAS_DRAFTS)
        .select_from(TASKS.join(CASES, CASES.c.id == TASKS.c.case_id).join(STATES, STATES.c.case_id == CASES.c.id)
                     .outerjoin(OWNERS, OWNERS.c.id == CASES.c.owner_id)
                     .outerjoin(CONTACTS, CONTACTS.c.case_id == TASKS.c.case_id))
        .where(TASKS.c.id == bindparam("task_id"))
    )


# By dialect: the lane groups come as one JSON value, which each database builds its own way.
READS = {dialect: _read(dialect) for dialect in ("sqlite", "postgresql")}
# Locks in this order (case, state, task), as every other change of a case does: no deadlock.
LOCKED_READS = {dialect: read.with_for_update(of=[CASES, STATES, TASKS], key_share=True)
                for dialect, read in READS.items()}


def complete(session: Session, task_id: UUID, data: Any, user: User, clock: Clock = system_clock) -> list[TaskView]:
    """Complete a task with `data`, move the case on, commit; return the case's READY tasks, each
    with the case's safe-contact instructions as read (see the module docstring)."""
    data = check_data(data)
    session.flush()  # a caller's pending ORM changes first (a request's fresh session has none)
    now = clock()
    dialect = session.get_bind().dialect.name
    # No lock for the read (on SQLite a request's transaction begins without the write lock, taken
    # at the first write): safe against the lost update because the writes check what was read.
    seen = first(session, READS[dialect], task_id=task_id)
    if seen is None:
        raise NotFound("no such task")
    _authorize(session, seen, user, now)
    _check_state(seen, user)
    try:
        return _complete(session, seen, data, user, clock, now)
    except StaleCase:
        session.rollback()
    locked = first(session, LOCKED_READS[dialect], task_id=task_id)
    if locked is None:
        raise NotFound("no such task")
    _check_state(locked, user)  # what was read first let the user complete it: a change since is a 409
    return _complete(session, locked, data, user, clock, clock())  # after the change it makes way for


def _authorize(session: Session, task: Any, user: User, now: datetime) -> None:
    """No relation to the case: 404 as for a missing task; a relation that does not reach the task: 403."""
    access = task_access(session, user, task, task.owner_id, now)
    if not access.header:
        raise NotFound("no such task")
    if not may_open_task(access, task):
        raise PermissionDenied("you are not working on this task")


def _check_state(task: Any, user: User) -> None:
    if task.state != READY:
        raise Conflict(f"the task is no longer ready (it is {task.state.lower()})")
    if task.assignee_id is not None and task.assignee_id != user.id:
        raise Conflict("someone else holds the task")
    if task.assignee_id != user.id and task.candidate_group not in user.group_keys:
        raise PermissionDenied("the task belongs to a group you are not a member of")


def _complete(session: Session, row: Any, data: dict, user: User, clock: Clock, now: datetime) -> list[TaskView]:
    version = pinned_version(session, row.case_version_id)
    workflow = _instance(session, row, version, clock)
    spiff_task = find_ready_task(workflow, row.id)
    if spiff_task is None:
        raise Conflict("the task is no longer ready")
    properties = getattr(spiff_task.task_spec, "extensions", None) or {}
    data = validated(session, version, row.form_key, spiff_task, properties, data, row.case_id)
    owner = chosen_owner(session, properties, data)
    apply_safe_contact(session, row.case_id, data, user, now, row.id)  # e.g. the safety plan's contact rules
    recipients = sharing.recipients(properties, data)
    if recipients:  # recorded in this transaction, so the task completes only with its disclosures
        refuse_threat_recipients(session, row.case_id, data)  # never to the person the citizen fears
        record_task_disclosures(session, row.case_id, row.id, recipients, data, user, now)
    before, had_timers = set(ready_user_tasks(workflow)), bool(waiting_timers(workflow))
    spiff_task.set_data(**data)
    run_engine(workflow, spiff_task)
    end_if_handed_over(workflow)  # a moved case stops everywhere (engine.cases.moving)
    ready = write_completion(session, row, workflow, version, Change(user, now, owner, before, had_timers, data))
    if owner is None:  # an owner change moves the version on once more: the next change reads the state
        INSTANCES.keep(row.case_id, row.lock_version + 1, workflow)
    return ready


def _instance(session: Session, row: Any, version: Any, clock: Clock) -> Any:
    """The case's workflow as of the version read: the one this process wrote as that version
    (engine.cases.instances), else restored from the state read with the task (as text, parsed
    only here)."""
    engine = script_engine(clock, snapshot(session))
    workflow = INSTANCES.take(row.case_id, row.lock_version)
    if workflow is None:
        return load_state(json.loads(row.workflow_state), specs_of(session, version), engine)
    workflow.script_engine = engine
    return workflow
