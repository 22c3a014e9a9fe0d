"""A child moving to another municipality: "Flyttet til anden kommune" starts the hand-over.

The children's procedure's event subprocess (signal `flytning`, docs/diagrams.md) creates the owner's
hand-over task (what is sent to the new municipality, on which basis: a sharing task to
`other_municipality`); when it is done the case closes with the reason `moved` (engine/cases/ending.py).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine.cases.acute import start_action
from engine.cases.ending import REASON_KEY
from engine.clock import Clock, system_clock
from engine.tasks.models import Task

SIGNAL = "flytning"
EVENT = "case_moving"


def start_move(session: Session, case_id: UUID, user: Any, reason: Any,
               clock: Clock = system_clock) -> tuple[Any, list[Task]]:
    """Start the hand-over to another municipality with a stated reason (who and why are recorded)."""
    return start_action(session, case_id, user, reason, signal=SIGNAL, event=EVENT,
                        summary="Flytning til en anden kommune: overdragelsen er startet", fields={}, clock=clock)


def end_if_handed_over(workflow: BpmnWorkflow) -> bool:
    """End the whole workflow when an event subprocess closed the case (its script set
    `case_closing_reason`, e.g. after the hand-over): a terminate end event inside an event subprocess
    ends only that subprocess, while a case that moved must stop everywhere. The completion then closes
    the case with that reason (engine/cases/ending.py). Returns whether it ended the workflow."""
    if workflow.is_completed():
        return False
    for sub in workflow.subprocesses.values():
        if sub.spec.name in set(workflow.spec.start.trigger_specs) and any(
                task.data.get(REASON_KEY) for task in sub.get_tasks(state=TaskState.COMPLETED)):
            workflow.cancel()
            return True
    return False
