"""Saving and restoring workflow instances without their spec.

SpiffWorkflow's serializer embeds the whole parsed spec in every instance. We store the BPMN
once per process version, cache the parsed spec in memory, and inject it when an instance is
restored: instances stay small and loading them skips re-parsing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG

from engine.bpmn import load_specs
from engine.deadlines.timer_events import CaseCycleTimer, CaseDurationTimer, CaseTimeDateTimer
from engine.expressions import SafeScriptEngine

Specs = tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]
SERIALIZER_VERSION = VERSION


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Like SpiffWorkflow's converter, minus `spec` and `subprocess_specs` (injected on load)."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec = dct.pop("spec")
        subprocess_specs = dct.pop("subprocess_specs")
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _serializer() -> BpmnWorkflowSerializer:
    config = dict(DEFAULT_CONFIG)
    config[BpmnWorkflow] = SpeclessWorkflowConverter
    # Our clock-aware timers convert like SpiffWorkflow's (spec diffs during migration need it).
    pairs = ((CaseTimeDateTimer, TimeDateEventDefinition), (CaseDurationTimer, DurationTimerEventDefinition),
             (CaseCycleTimer, CycleTimerEventDefinition))
    for ours, theirs in pairs:
        config[ours] = config[theirs]
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


SERIALIZER = _serializer()


class SpecCache:
    """Parsed specs per process version id, least recently used evicted first."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._items: OrderedDict[UUID, Specs] = OrderedDict()
        self._lock = Lock()

    def get(self, version_id: UUID, documents: Callable[[], list[bytes]], process_id: str) -> Specs:
        """The specs of `version_id`, parsed from `documents()` on a miss (only then is the XML read)."""
        with self._lock:
            if version_id in self._items:
                self._items.move_to_end(version_id)
                return self._items[version_id]
        specs = load_specs(documents(), process_id)
        with self._lock:
            self._items[version_id] = specs
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return specs


SPEC_CACHE = SpecCache()


def new_workflow(specs: Specs, script_engine: SafeScriptEngine) -> BpmnWorkflow:
    """A fresh instance of `specs` running expressions with `script_engine`."""
    spec, subprocess_specs = specs
    return BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)


def dump_state(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The instance as a JSON-compatible dict, without its spec."""
    return SERIALIZER.to_dict(workflow)


def parents_first(tasks: dict[str, Any], root: str) -> dict[str, Any]:
    """Tasks ordered root first, each parent before its children.

    SpiffWorkflow rebuilds a task's data as a delta on its parent's, so a child restored before its
    parent loses its data; a store that does not keep key order (e.g. JSONB) must not cause that.
    """
    ordered: dict[str, Any] = {}
    queue = [root]
    while queue:
        task_id = queue.pop(0)
        if task_id in tasks and task_id not in ordered:
            ordered[task_id] = tasks[task_id]
            queue.extend(tasks[task_id].get("children", []))
    ordered.update((key, value) for key, value in tasks.items() if key not in ordered)
    return ordered


def load_state(state: dict[str, Any], specs: Specs, script_engine: SafeScriptEngine) -> BpmnWorkflow:
    """Restore an instance saved by `dump_state` onto the cached `specs`."""
    dct = dict(state)
    dct["tasks"] = parents_first(dct["tasks"], dct["root"])
    dct["subprocesses"] = {
        sub_id: {**sub, "tasks": parents_first(sub["tasks"], sub["root"])}
        for sub_id, sub in dct.get("subprocesses", {}).items()
    }
    dct["spec"], dct["subprocess_specs"] = specs
    workflow = SERIALIZER.from_dict(dct)
    workflow.script_engine = script_engine
    return workflow
