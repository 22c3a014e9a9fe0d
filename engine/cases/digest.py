"""The anonymised digest of a case, for a knowledge person's sparring (never the full record).

Knowledge persons discuss a case without knowing who it is about. The digest keeps what the forms
let a caseworker choose (yes/no answers, numbers, choices from a list: danger signs, risk level,
referral source) and the course of the case (steps and deadlines), and leaves out everything typed
freely, which is where names, CPR numbers, addresses and descriptions of people are.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases.need_to_know import case_with_access
from engine.cases.runtime import load_case_run
from engine.clock import Clock, system_clock
from engine.forms.models import FormVersion
from engine.forms.service import pinned_forms
from engine.tasks.models import Task
from engine.users.models import User

CHOICE_TYPES = ("select", "radio", "checklist", "taglist")


def _components(items: list[Any]) -> Iterator[Mapping[str, Any]]:
    for item in items:
        if isinstance(item, Mapping):
            yield item
            yield from _components(item.get("components") or [])


def _choices(session: Session, form_ids: Mapping[str, str]) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(field key -> label, field key -> {value -> label}) of the choice and yes/no fields."""
    labels: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    for form in session.scalars(select(FormVersion).where(FormVersion.id.in_([UUID(i) for i in form_ids.values()]))):
        for component in _components(form.schema.get("components") or []):
            key, kind = component.get("key"), component.get("type")
            if key and kind in (*CHOICE_TYPES, "checkbox", "number"):
                labels[key] = str(component.get("label") or key)
                values[key] = {str(v.get("value")): str(v.get("label")) for v in component.get("values") or []
                               if isinstance(v, Mapping)}
    return labels, values


def _answer(value: Any, allowed: dict[str, str]) -> Any:
    """The value if it is not free text: booleans, numbers, and choices of the field's list (as labels)."""
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, list):
        return [allowed[str(v)] for v in value if str(v) in allowed]
    return allowed.get(str(value))


def case_digest(session: Session, case_id: UUID, user: User | None, clock: Clock = system_clock) -> dict[str, Any]:
    """The digest of a case (knowledge persons and everyone who may read the case's content)."""
    case, _ = case_with_access(session, case_id, user, clock(), "digest")
    version = case.process_version
    labels, values = _choices(session, pinned_forms(session, version.forms, version.dependencies))
    data: dict[str, Any] = {}
    for task in load_case_run(session, case, clock).workflow.get_tasks(state=TaskState.COMPLETED):
        data.update(task.data)
    answers = [{"field": key, "label": labels[key], "answer": _answer(data[key], values[key])}
               for key in sorted(labels) if key in data and _answer(data[key], values[key]) not in (None, [])]
    steps = session.scalars(select(Task).where(Task.case_id == case.id).order_by(Task.created_at, Task.id))
    return {"reference": case.reference, "process_key": version.key, "status": case.status,
            "opened_at": case.opened_at, "answers": answers,
            "steps": [{"name": t.name, "state": t.state, "due_at": t.due_at, "ended_at": t.ended_at} for t in steps]}
