"""When the security consultant was first involved, measured from the referral (docs/diagrams.md).

The seeds' main finding is that consultants are involved too late, so the reporting reads one case
event per case: `security_consultant_involved`, written the first time anything is shared with a
security consultant (a recorded disclosure, whichever task or form it came from), with the hours
since the referral was received (`received_at` of the start data, else when the case was opened).
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.milestones import CONSULTANT, reach
from engine.cases.models import Case, CaseEvent
from engine.consent.models import Disclosure
from engine.deadlines.timer_events import to_instant
from engine.users.models import User

EVENT = "security_consultant_involved"
KIND = "security_consultant"


def referred_at(workflow: BpmnWorkflow, opened_at: datetime) -> datetime:
    """When the referral was received: the start data's `received_at`, else the opening of the case."""
    value = (workflow.task_tree.data or {}).get("received_at") if workflow.task_tree is not None else None
    try:
        return to_instant(value) if value else opened_at
    except ValueError:
        return opened_at


def note_involvement(session: Session, case_id: UUID, workflow: BpmnWorkflow, actor: User | None) -> None:
    """Record the event once, when the case's first disclosure to a security consultant exists."""
    first = session.scalar(select(func.min(Disclosure.disclosed_at))
                           .where(Disclosure.case_id == case_id, Disclosure.recipient_kind == KIND))
    if first is None or session.scalar(select(CaseEvent.id).where(CaseEvent.case_id == case_id,
                                                                  CaseEvent.kind == EVENT).limit(1)):
        return
    opened_at = session.scalar(select(Case.opened_at).where(Case.id == case_id))
    since = referred_at(workflow, opened_at)
    hours = round((first - since).total_seconds() / 3600, 1)
    summary = f"Sikkerhedskonsulenten er inddraget ({hours} timer efter henvendelsen)"
    details = {"hours_since_referral": hours, "referred_at": since.isoformat()}
    events.record(session, case_id, EVENT, actor, summary, details=details, at=first)
    reach(session, case_id, CONSULTANT, first)
