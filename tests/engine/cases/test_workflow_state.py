"""Instances survive a JSON round trip between every step, without their spec inside."""

from __future__ import annotations

import json
from pathlib import Path

from SpiffWorkflow.util.task import TaskState

from engine.bpmn import load_specs
from engine.cases.runtime import run_engine, script_engine
from engine.cases.workflow_state import dump_state, load_state, new_workflow

DATA = Path(__file__).resolve().parents[2] / "data"


def _round_trip(workflow, specs):
    text = json.dumps(dump_state(workflow))
    assert "bpmn_id" not in text  # no task specs inside: the spec is cached per version
    return load_state(json.loads(text), specs, script_engine())


def _ready_names(workflow) -> list[str]:
    return [t.task_spec.bpmn_id for t in workflow.get_tasks(state=TaskState.READY, manual=True)]


def _complete(workflow, bpmn_id: str, **data) -> None:
    task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == bpmn_id)
    task.set_data(**data)
    run_engine(workflow, task)


def test_review_large_amount_goes_to_team_lead_with_round_trips():
    specs = load_specs([(DATA / "review.bpmn").read_bytes()], "review")
    workflow = new_workflow(specs, script_engine())
    run_engine(workflow)
    workflow = _round_trip(workflow, specs)
    assert _ready_names(workflow) == ["register"]
    _complete(workflow, "register", amount=20)
    workflow = _round_trip(workflow, specs)
    assert _ready_names(workflow) == ["approve"]
    assert workflow.get_tasks(state=TaskState.READY, manual=True)[0].data["amount"] == 20
    _complete(workflow, "approve")
    workflow = _round_trip(workflow, specs)
    assert workflow.is_completed()


def test_review_small_amount_is_archived_with_round_trips():
    specs = load_specs([(DATA / "review.bpmn").read_bytes()], "review")
    workflow = new_workflow(specs, script_engine())
    run_engine(workflow)
    workflow = _round_trip(workflow, specs)
    _complete(workflow, "register", amount=3)
    workflow = _round_trip(workflow, specs)
    assert _ready_names(workflow) == ["archive"]


def test_three_tasks_in_order_with_round_trips():
    specs = load_specs([(DATA / "three_tasks.bpmn").read_bytes()], "three_tasks")
    workflow = new_workflow(specs, script_engine())
    run_engine(workflow)
    for expected in ["t1", "t2", "t3"]:
        workflow = _round_trip(workflow, specs)
        assert _ready_names(workflow) == [expected]
        _complete(workflow, expected)
    assert _round_trip(workflow, specs).is_completed()


def test_task_order_in_storage_does_not_matter():
    """A store may hand the tasks back in any key order (JSONB sorts them); no data may be lost."""
    import random

    specs = load_specs([(DATA / "three_tasks.bpmn").read_bytes()], "three_tasks")
    workflow = new_workflow(specs, script_engine())
    for task in workflow.get_tasks(state=TaskState.READY):
        task.set_data(received_at="2026-11-23T09:00:00+01:00")
    run_engine(workflow)
    _complete(workflow, "t1", first="answer")
    state = json.loads(json.dumps(dump_state(workflow)))
    items = list(state["tasks"].items())
    for seed in range(5):
        random.Random(seed).shuffle(items)
        restored = load_state({**state, "tasks": dict(items)}, specs, script_engine())
        [ready] = restored.get_tasks(state=TaskState.READY, manual=True)
        assert ready.data["first"] == "answer" and ready.data["received_at"] == "2026-11-23T09:00:00+01:00"
