"""The case record (sagens akter): everything recorded in a case, in time order.

Every completed task with who completed it, when, the data it submitted and the form it was
submitted on (so the answers read with the labels and choices the caseworker saw); every consent
and disclosure; every journal note; every attachment. The case's content: only those the access
rule lets read it (engine.cases.need_to_know), and the caller logs the read with its purpose.

What a completion submitted is kept per task (`task_submissions`, written by store_submission in
the completion's transaction). Tasks completed before that table existed are read back from the
saved workflow (the task's data, limited to the fields its completion event names).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.models import Case, CaseEvent
from engine.cases.need_to_know import Access, case_with_access
from engine.cases.record_models import CaseAttachment, CaseNote, TaskSubmission
from engine.consent.models import Consent, Disclosure, LegalException
from engine.consent.sharing import possible_recipients, with_exception_choices
from engine.tasks.models import COMPLETED, Task
from engine.users.models import User

TASK, CONSENT, DISCLOSURE, NOTE, ATTACHMENT = "task", "consent", "disclosure", "note", "attachment"
KINDS = (TASK, CONSENT, DISCLOSURE, NOTE, ATTACHMENT)  # also the order of entries recorded at one instant
ORDERS = ("oldest", "newest")


@dataclass(frozen=True)
class RecordItem:
    """One entry of the record. `row` is the Task, Consent, Disclosure, CaseNote or CaseAttachment."""

    kind: str
    at: datetime
    by: str  # the user name of who recorded it
    row: Any
    data: dict[str, Any] | None = None  # a task's submitted data (None: not kept or erased)
    form: dict[str, Any] | None = None  # a task's form: {"key", "schema"} (form-js) or {"key", "fields"}


@dataclass(frozen=True)
class Record:
    """A case's record as one user may read it."""

    case: Case
    access: Access
    items: list[RecordItem]


def store_submission(session: Session, case_id: UUID, task_id: UUID, data: dict[str, Any], at: datetime) -> None:
    """Keep what a task's completion submitted, in the completion's transaction.

    Added to the session, not executed: the completion's flush writes it after the task's row was
    marked completed, so the loser of two simultaneous completions gets its 409 from that row and
    never waits on, or collides with, the winner's submission.
    """
    session.add(TaskSubmission(task_id=task_id, case_id=case_id, data=data, submitted_at=at))


def case_record(session: Session, case_id: UUID, user: User | None, now: datetime, order: str = "oldest") -> Record:
    """The whole record of a case the user may read (NotFound / PermissionDenied as the rule says)."""
    case, access = case_with_access(session, case_id, user, now, "content")
    items = [*task_items(session, case), *_consents(session, case_id), *_disclosures(session, case_id),
             *_notes(session, case_id), *_attachments(session, case_id)]
    # At one instant: by kind, then (tasks) the task that came first, then by id: the same order every time.
    items.sort(key=lambda item: (item.at, KINDS.index(item.kind), getattr(item.row, "created_at", item.at),
                                 str(item.row.id)), reverse=order == "newest")
    return Record(case, access, items)


def page_of(items: list[RecordItem], page: int, per_page: int) -> list[RecordItem]:
    """One page (from 1) of the record."""
    start = (page - 1) * per_page
    return items[start:start + per_page]


def task_items(session: Session, case: Case) -> list[RecordItem]:
    """The case's completed tasks with who completed them, their data and their forms."""
    rows = session.execute(
        select(Task, User.username).outerjoin(User, User.id == Task.ended_by_id)
        .where(Task.case_id == case.id, Task.state == COMPLETED).order_by(Task.ended_at, Task.id)).all()
    if not rows:
        return []
    kept = {row.task_id: row.data for row in session.execute(
        select(TaskSubmission.task_id, TaskSubmission.data).where(TaskSubmission.case_id == case.id))}
    missing = [task for task, _name in rows if task.id not in kept]
    if missing and case.erased_at is None:
        kept.update(_from_workflow(session, case, missing))
    forms = _Forms(session)
    return [RecordItem(TASK, task.ended_at or task.created_at, username or "system", task,
                       kept.get(task.id) if case.erased_at is None else None, forms.of(task))
            for task, username in rows]


class _Forms:
    """The forms of the record's tasks, each looked up once per process version and form key."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[tuple[UUID, str | None, str], dict[str, Any] | None] = {}
        self.exceptions: list[LegalException] | None = None

    def of(self, task: Task) -> dict[str, Any] | None:
        key = (task.process_version_id, task.form_key, task.bpmn_id)
        if key not in self.cache:
            self.cache[key] = self._load(task)
        return self.cache[key]

    def _load(self, task: Task) -> dict[str, Any] | None:
        from engine.tasks.service import task_form, task_properties  # it imports the completion, which imports us

        form = task_form(self.session, task)
        if form and "schema" in form and possible_recipients(task_properties(self.session, task)):
            # Every legal basis, also those switched off since: a past disclosure may rest on one.
            if self.exceptions is None:
                self.exceptions = list(self.session.scalars(select(LegalException)))
            form = {**form, "schema": with_exception_choices(form["schema"], self.exceptions)}
        return form


def _from_workflow(session: Session, case: Case, tasks: list[Task]) -> dict[UUID, dict[str, Any]]:
    """The submitted data of tasks completed before the record kept them: the fields their completion
    event names, read from the task's data in the saved workflow."""
    from engine.cases.runtime import load_case_run  # the runtime loads SpiffWorkflow: only when needed

    fields = {row.task_id: list((row.details or {}).get("fields") or []) for row in session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == events.TASK_COMPLETED))}
    wanted = {task.id: fields[task.id] for task in tasks if fields.get(task.id)}
    if not wanted:
        return {}
    try:
        workflow = load_case_run(session, case).workflow
    except RuntimeError:  # a case without a saved state
        return {}
    known = {task_id: task for run in (workflow, *workflow.subprocesses.values()) for task_id, task in run.tasks.items()
             if task_id in wanted}  # call activities' tasks live in their subprocess
    return {task_id: {key: known[task_id].data[key] for key in keys if key in known[task_id].data}
            for task_id, keys in wanted.items() if task_id in known}


def _consents(session: Session, case_id: UUID) -> list[RecordItem]:
    rows = session.scalars(select(Consent).where(Consent.case_id == case_id))
    return [RecordItem(CONSENT, row.recorded_at, row.recorded_by, row) for row in rows]


def _disclosures(session: Session, case_id: UUID) -> list[RecordItem]:
    rows = session.scalars(select(Disclosure).where(Disclosure.case_id == case_id))
    return [RecordItem(DISCLOSURE, row.disclosed_at, row.recorded_by, row) for row in rows]


def _notes(session: Session, case_id: UUID) -> list[RecordItem]:
    rows = session.scalars(select(CaseNote).where(CaseNote.case_id == case_id))
    return [RecordItem(NOTE, row.at, row.author, row) for row in rows]


def _attachments(session: Session, case_id: UUID) -> list[RecordItem]:
    rows = session.scalars(select(CaseAttachment).where(CaseAttachment.case_id == case_id))
    return [RecordItem(ATTACHMENT, row.at, row.uploaded_by, row) for row in rows]


def corrections(items: list[RecordItem]) -> dict[UUID, list[CaseNote]]:
    """Note id → the notes that correct it, oldest first (to show a corrected note as such)."""
    found: dict[UUID, list[CaseNote]] = {}
    for item in sorted((i for i in items if i.kind == NOTE), key=lambda i: i.at):
        if item.row.corrects_id is not None:
            found.setdefault(item.row.corrects_id, []).append(item.row)
    return found


def field_labels(form: dict[str, Any] | None) -> dict[str, str]:
    """Field key → label of a task's form (form-js components, groups included, or Camunda fields)."""
    if not form:
        return {}
    if "fields" in form:
        return {f["id"]: str(f.get("label") or f["id"]) for f in form.get("fields") or []}
    labels: dict[str, str] = {}
    stack = list((form.get("schema") or {}).get("components") or [])
    while stack:
        component = stack.pop(0)
        if not isinstance(component, dict):
            continue
        stack.extend(component.get("components") or [])
        if component.get("key"):
            label = component.get("dateLabel") if component.get("type") == "datetime" else None
            labels[component["key"]] = str(label or component.get("label") or component["key"])
    return labels
