"""Telling the team leads at once when a task that needs action now is created (acute danger).

A user task with the property `notify_team_lead` = `true` (docs/diagrams.md) queues one mail to every
team lead (the `teamleder` group and the escalation group) when it becomes READY, whatever started
it: the "Akut fare" button, a form that marks acute danger, or the 24-hour assessment. The mail
names the case reference, who acted and the tasks' deadline: never the task, the reason or the person.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import TaskNotFoundException
from sqlalchemy.orm import Session

from engine.cases.lead_mail import case_facts, team_leads
from engine.notifications.context import current_settings
from engine.notifications.models import CASE_ATTENTION
from engine.notifications.outbox import queue_case_mail
from engine.users.models import User

NOTIFY = "notify_team_lead"


def _flagged(workflow: BpmnWorkflow, task_id: UUID) -> bool:
    try:
        spec = workflow.get_task_from_id(task_id).task_spec
    except TaskNotFoundException:
        return False
    return str((getattr(spec, "extensions", None) or {}).get(NOTIFY, "")).strip().lower() == "true"


def tell_team_leads(session: Session, case_id: UUID, reference: str, workflow: BpmnWorkflow,
                    created: Iterable[tuple[UUID, datetime | None]], actor: User | None, now: datetime) -> int:
    """Queue the mail when one of the `created` tasks (id, due time) is flagged; the caller commits.
    Returns how many team leads were told (one mail each per save, however many tasks)."""
    due = [due_at for task_id, due_at in created if _flagged(workflow, task_id)]
    if not due:
        return 0

    settings = current_settings()
    until = min((d for d in due if d is not None), default=now)
    facts = case_facts(CASE_ATTENTION, reference, case_id, actor.username if actor else "casepath", now, until,
                       settings)
    leads = [lead for lead in team_leads(session, settings) if actor is None or lead.id != actor.id]
    for lead in leads:
        queue_case_mail(session, case_id, facts, lead, until, now, settings)
    return len(leads)
