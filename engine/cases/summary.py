"""What a case list shows and filters on, denormalised onto the case row on every save.

Case lists filter and sort 20,000 cases in one indexed query, so they cannot load workflows: the
newest risk level, the acute flag, the next running deadline and the searchable fields' text live
on `cases` (risk_level, acute, next_due_at, search_text). Every path that saves a case calls
`refresh_summary` once, after its task rows and timers are written and before it commits:
CaseRun.save (closing, migration, the worker), the completion of a task and the opening of a case.

The values follow the case page: the risk level is the newest `risk_level` any completed task of
the workflow or its call activities holds (webui.ui.queries.case_risk reads the same); acute is the
newest `acute` or `acute_discovered` (docs/diagrams.md); the next deadline is the earliest due time
of a READY task or a waiting timer (overdue ones too). No CPR number is ever stored in the search
text: 6+4-digit patterns are removed, whatever field they came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, func, select, union_all, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from engine.bpmn.searchable import searchable_fields
from engine.cases.models import Case
from engine.deadlines.models import WAITING, Timer
from engine.process_models.models import ProcessVersion
from engine.tasks.models import READY, Task

RISK_LEVELS = ("low", "medium", "high")
ACUTE_KEYS = ("acute", "acute_discovered")
SUMMARY_FIELDS = ("risk_level", "acute", "next_due_at", "search_text")
MAX_TEXT = 2000
CPR = re.compile(r"(?<!\d)\d{6}[-\s/]?\d{4}(?!\d)")
CASES, TASKS, TIMERS, VERSIONS = Case.__table__, Task.__table__, Timer.__table__, ProcessVersion.__table__

_DUE = union_all(
    select(TASKS.c.due_at.label("d")).where(TASKS.c.case_id == bindparam("case"), TASKS.c.state == READY,
                                            TASKS.c.due_at.is_not(None)),
    select(TIMERS.c.due_at.label("d")).where(TIMERS.c.case_id == bindparam("case"), TIMERS.c.state == WAITING),
).subquery("due")
# One statement: the workflow's values, and the next deadline from the rows this save wrote.
_UPDATE = (update(CASES).where(CASES.c.id == bindparam("case"))
           .values(risk_level=bindparam("v_risk"), acute=bindparam("v_acute"), search_text=bindparam("v_text"),
                   next_due_at=select(func.min(_DUE.c.d)).scalar_subquery()))
_VERSION = select(VERSIONS.c.key, VERSIONS.c.bpmn_xml).where(VERSIONS.c.id == bindparam("version"))
_FIELDS: dict[UUID, tuple[str, ...]] = {}  # searchable fields by process version (versions never change)


@dataclass(frozen=True)
class Summary:
    """The workflow's part of a case's list values."""

    risk_level: str | None = None  # None: not assessed yet
    acute: bool | None = None  # None: the data say nothing about it yet
    search_text: str | None = None


def newest_values(workflow: BpmnWorkflow, keys: Iterable[str]) -> dict[str, Any]:
    """The newest value of each of `keys` among the completed tasks of the workflow and its call
    activities (a key no task holds is left out; a `risk_level` counts only when it is a level)."""
    wanted = tuple(keys)
    found: dict[str, tuple[float, Any]] = {}
    for run in (workflow, *workflow.subprocesses.values()):
        for task in run.get_tasks(state=TaskState.COMPLETED):
            data, at = task.data, task.last_state_change
            for key in wanted:
                usable = key in data and (key != "risk_level" or data[key] in RISK_LEVELS)
                if usable and (key not in found or at > found[key][0]):
                    found[key] = (at, data[key])
    return {key: value for key, (_at, value) in found.items()}


def search_text(values: Iterable[Any]) -> str | None:
    """The searchable values as one lower-case text: strings and lists of strings, no CPR numbers."""
    parts: list[str] = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        parts += [item for item in items if isinstance(item, str | int | float) and not isinstance(item, bool)]
    cleaned = (" ".join(CPR.sub(" ", str(part)).split()) for part in parts)
    return " | ".join(part for part in cleaned if part).casefold()[:MAX_TEXT] or None


def summarise(workflow: BpmnWorkflow, fields: tuple[str, ...]) -> Summary:
    """Risk level, acute and search text of a workflow whose process declares `fields` searchable."""
    values = newest_values(workflow, ("risk_level", *ACUTE_KEYS, *fields))
    acute = [values[key] for key in ACUTE_KEYS if key in values]
    return Summary(values.get("risk_level"), any(bool(v) for v in acute) if acute else None,
                   search_text(values[f] for f in fields if f in values))


def fields_of(session: Session, version_id: UUID) -> tuple[str, ...]:
    """The searchable fields of a process version, read once per version and process."""
    if version_id not in _FIELDS:
        row = session.connection().execute(_VERSION, {"version": version_id}).first()
        if len(_FIELDS) > 500:  # many versions over a long uptime: start again rather than grow
            _FIELDS.clear()
        _FIELDS[version_id] = searchable_fields(row.bpmn_xml, row.key) if row is not None else ()
    return _FIELDS[version_id]


def refresh_summary(session: Session, case_id: UUID, version_id: UUID, workflow: BpmnWorkflow) -> None:
    """THE hook of every save path: write the case's list values (one UPDATE), after the save wrote
    its task rows and timers and before it commits. An ORM Case in the session forgets the old ones."""
    summary = summarise(workflow, fields_of(session, version_id))
    if session.new or session.dirty or session.deleted:
        session.flush()  # ORM rows of this save (timers, tasks) before the next deadline is read
    session.connection().execute(_UPDATE, {"case": case_id, "v_risk": summary.risk_level,
                                           "v_acute": summary.acute, "v_text": summary.search_text})
    case = session.identity_map.get(identity_key(Case, case_id))
    if case is not None:
        session.expire(case, list(SUMMARY_FIELDS))


def clear_summary(case: Case) -> None:
    """Retention: the risk level, acute flag and search text are the case's content; erase them."""
    case.risk_level = case.acute = case.search_text = None
