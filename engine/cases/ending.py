"""Why a case ended when its procedure reached an end: the diagram names a closing reason.

A diagram path that ends the case for a reason (the citizen withdrew, no concern was found) sets
`case_closing_reason` to a key of the maintained closing reasons in a script task before its end
event, and may let a form ask for `case_closing_note`. When the workflow completes, the case is
closed with that reason and note, as if closed from the case page (engine.cases.closing): the case
list, the record and the reports show the same reason whichever way the case ended. A key that is
not an active reason is ignored (the case closes without a reason, as before).
"""

from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.cases.models import Case, ClosingReason

REASON_KEY, NOTE_KEY = "case_closing_reason", "case_closing_note"
NOTE_MAX = 2000


def ending_of(workflow: BpmnWorkflow) -> tuple[str | None, str | None]:
    """The closing reason key and note the completed workflow's data name (None, None when none).

    The path that set the reason may not be the last to end (a parallel branch, e.g. a notification
    to the children's area, can finish later), so the newest completed task holding it is read.
    """
    holders = [task for task in workflow.get_tasks(state=TaskState.COMPLETED) if task.data.get(REASON_KEY)]
    if not holders:
        return None, None
    data = max(holders, key=lambda task: task.last_state_change).data
    reason, note = data.get(REASON_KEY), data.get(NOTE_KEY)
    reason = reason if isinstance(reason, str) and reason else None
    note = note.strip()[:NOTE_MAX] if isinstance(note, str) and note.strip() else None
    return reason, note


def record_ending(session: Session, case_id: UUID, workflow: BpmnWorkflow) -> str | None:
    """Write the reason (when it is an active closing reason) and note on the closed case row, in the
    caller's transaction (the row is locked by the change that closed it); the reason's name."""
    key, note = ending_of(workflow)
    reason = session.get(ClosingReason, key) if key else None
    if reason is None or not reason.active:
        return None
    cases = Case.__table__
    session.execute(update(cases).where(cases.c.id == case_id).values(closing_reason=reason.key, closing_note=note))
    return reason.name
