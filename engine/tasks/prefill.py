"""A task form's initial values: the case's current values of the fields the form declares.

The case's current values are the workflow data the READY task sees: SpiffWorkflow gives each task
the data of the tasks before it on its path (for a called process, the data passed in), so a field
answered earlier appears with that answer and the caseworker may change it. Which answer wins when
two tasks wrote the same key is documented in docs/diagrams.md ("Carried forward").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy.orm import Session

from engine.cases.models import CaseState
from engine.cases.need_to_know import Access
from engine.cases.runtime import find_ready_task, script_engine, specs_for
from engine.cases.workflow_state import load_state
from engine.forms.formjs import DATA_TYPES, components
from engine.tasks.models import READY, Task

# Each disclosure needs its own basis: a consent id, a legal exception and its justification (and
# what was shared, why, to whom) given for an earlier disclosure must never slip into a new sharing
# decision because the caseworker did not look closely. So no `disclosure_*` key is prefilled.
NOT_CARRIED_PREFIX = "disclosure_"
_PLAIN = (str, int, float, bool)


def form_keys(form: Mapping[str, Any] | None) -> list[str]:
    """The data keys a task form declares, in form order: `{"key", "schema"}` (form-js) or
    `{"key", "fields"}` (Camunda formData), as engine.tasks.service.task_form gives them."""
    if not form:
        return []
    if isinstance(form.get("schema"), dict):
        return [c["key"] for c in components(form["schema"])
                if c.get("type") in DATA_TYPES and isinstance(c.get("key"), str)]
    return [f["id"] for f in form.get("fields") or [] if isinstance(f.get("id"), str)]


def _plain(value: Any) -> bool:
    """A value a form field can show: a scalar, or a list of scalars (a checklist)."""
    if isinstance(value, list):
        return all(isinstance(item, _PLAIN) for item in value)
    return isinstance(value, _PLAIN)


def carried(data: Mapping[str, Any], keys: list[str]) -> Iterator[tuple[str, Any]]:
    """(key, value) of `data` for the form's `keys`: answered (not None), showable, never disclosure_*."""
    for key in keys:
        value = data.get(key)
        if value is not None and not key.startswith(NOT_CARRIED_PREFIX) and _plain(value):
            yield key, value


def ready_task_data(session: Session, task: Task) -> dict[str, Any]:
    """The workflow data the READY task sees ({} when the task is not READY in the saved state)."""
    state = session.get(CaseState, task.case_id)
    if state is None or task.state != READY:
        return {}
    # Loading runs no expression, so the plain script engine (no deadline rules) is enough.
    workflow = load_state(state.state, specs_for(session, task.case.process_version), script_engine())
    spiff_task = find_ready_task(workflow, task.id)
    return dict(spiff_task.data) if spiff_task is not None else {}


def initial_values(session: Session, task: Task, form: Mapping[str, Any] | None, access: Access) -> dict[str, Any]:
    """The case's current values for the task form's fields. Earlier answers are the case's
    content: a candidate who has not taken the task (the rule shows them the form only) gets {}."""
    keys = form_keys(form)
    if not keys or not access.content:
        return {}
    return dict(carried(ready_task_data(session, task), keys))
