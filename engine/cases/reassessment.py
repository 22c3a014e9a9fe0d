"""Risk that changes: "Ny risikovurdering" starts a new risk assessment at any open stage.

The procedure's event subprocess (signal `ny_risikovurdering`, docs/diagrams.md) calls the shared
`risikovurdering` process again; its result is the case's risk level from then on (the newest
`risk_level`, engine/cases/summary.py). Follow-up and the review-date timers start the same
subprocess from the diagram.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from engine.cases.acute import start_action
from engine.clock import Clock, system_clock
from engine.tasks.models import Task

SIGNAL = "ny_risikovurdering"
EVENT = "risk_reassessment"


def start_reassessment(session: Session, case_id: UUID, user: Any, reason: Any,
                       clock: Clock = system_clock) -> tuple[Any, list[Task]]:
    """Start a new risk assessment on an open case with a stated reason (who and why are recorded)."""
    return start_action(session, case_id, user, reason, signal=SIGNAL, event=EVENT,
                        summary="Ny risikovurdering er startet", fields={}, clock=clock)
