"""Starting an event subprocess of a case's procedure from outside: "Akut fare", "Ny risikovurdering".

A procedure offers an action at every open stage with a non-interrupting event subprocess whose start
event catches a BPMN signal (docs/diagrams.md, "Actions on the case page"). The engine throws the
signal into the case's workflow with the case's current data plus the action's own fields, so the
subprocess's tasks see what the case knows (its area, received_at, the risk level), and saves the case.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.cases.runtime import CaseRun, load_case_run, run_engine, specs_for
from engine.clock import Clock
from engine.errors import Conflict
from engine.users.models import User

_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.COMPLETED


def signals_of(spec: Any, subprocess_specs: Mapping[str, Any]) -> set[str]:
    """The signals that start an event subprocess of the process `spec`."""
    found = set()
    for name in spec.start.trigger_specs:
        for start in getattr(subprocess_specs.get(name), "bpmn_start_events", None) or []:
            definition = getattr(start, "event_definition", None)
            if isinstance(definition, SignalEventDefinition):
                found.add(definition.name)
    return found


def offers(workflow: BpmnWorkflow, signal: str) -> bool:
    """Whether the case's procedure has an event subprocess started by `signal`."""
    return signal in signals_of(workflow.spec, workflow.subprocess_specs)


def offered(session: Session, case: Case) -> set[str]:
    """The actions (signals) the case's process version offers, read from its cached spec (no state)."""
    spec, subprocess_specs = specs_for(session, case.process_version)
    return signals_of(spec, subprocess_specs)


def current_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The data of the main path's newest task (no earlier sharing decision: `disclosure_` keys dropped).
    The event subprocesses' own tasks are not the main path: they hang off the root with their payload."""
    triggered = set(workflow.spec.start.trigger_specs)
    tasks = [t for t in workflow.get_tasks(state=_LIVE, skip_subprocesses=True)
             if t.data and t.task_spec.name not in triggered]
    newest = max(tasks, key=lambda t: t.last_state_change, default=None)
    data = deepcopy(newest.data) if newest is not None else {}
    return {key: value for key, value in data.items() if not key.startswith("disclosure_")}


def mark_path(workflow: BpmnWorkflow, values: Mapping[str, Any]) -> None:
    """Give the waiting tasks of the main path and of its running call activities `values`, so what
    they complete carries them on (e.g. `acute`: the case lists read the newest value)."""
    triggered = set(workflow.spec.start.trigger_specs)
    for run in (workflow, *workflow.subprocesses.values()):
        if run is not workflow and run.spec.name in triggered:
            continue
        for task in run.get_tasks(state=TaskState.READY | TaskState.WAITING, skip_subprocesses=True):
            task.set_data(**values)


def throw(session: Session, case: Case, signal: str, fields: Mapping[str, Any], actor: User | None,
          clock: Clock, path_values: Mapping[str, Any] | None = None) -> CaseRun:
    """Start the subprocess `signal` on the open, locked `case` and save it (the caller commits);
    `path_values` also go to the main path's waiting tasks (mark_path).
    Conflict when the case is closed or its procedure does not offer the action."""
    if case.status != "open":
        raise Conflict("the case is closed")
    run = load_case_run(session, case, clock)
    if not offers(run.workflow, signal):
        raise Conflict("the case's procedure does not offer this action (deploy a version that does)")
    run.workflow.catch(BpmnEvent(SignalEventDefinition(signal), {**current_data(run.workflow), **fields}))
    if path_values:
        mark_path(run.workflow, path_values)
    run_engine(run.workflow)
    run.save(session, actor)
    return run
