"""Engine overhead: bare SpiffWorkflow vs the casepath service, per task completion.

Run: .venv/bin/python bench/engine_overhead.py [--rounds 200] [--stored 10000]
Prints ms per completion (median, p95) for (a) bare SpiffWorkflow with a JSON serializer round
trip around every completion, (b) the service through the Flask test client on SQLite (auth,
validation, commit, event, task table), (c) the same on PostgreSQL when one can be started, each
again with `--stored` cases already in the database. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.camunda.parser import CamundaParser  # noqa: E402
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402

from engine.cases.service import open_case  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import make_engine, make_session_factory  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.users.service import create_token, create_user, get_user  # noqa: E402
from webui import create_app  # noqa: E402

DIAGRAM = Path(__file__).resolve().parent.parent / "tests" / "data" / "three_tasks.bpmn"


def summary(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile, in ms."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(len(ordered) * 0.95) - 1] * 1000


def bare(rounds: int) -> list[float]:
    """(a) SpiffWorkflow alone, serialized to JSON and back around every completion."""
    parser = CamundaParser()
    parser.add_bpmn_file(str(DIAGRAM))
    spec = parser.get_spec("three_tasks")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG))
    samples = []
    for _ in range(rounds):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
        for _step in range(3):
            start = time.perf_counter()
            workflow = serializer.deserialize_json(state)
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.set_data(done=True)
            task.run()
            workflow.do_engine_steps()
            state = serializer.serialize_json(workflow)
            samples.append(time.perf_counter() - start)
    return samples


def prepare(url: str) -> tuple[object, dict[str, str]]:
    """A migrated database with a user, a token and the diagram deployed; returns (app, headers)."""
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        create_user(session, "bench", "bench@example.invalid", ["teamleder", "modtagerteam"])
        token = create_token(session, "bench")
    engine.dispose()
    app = create_app(Settings.from_env({"CASEPATH_ENV": "testing", "DATABASE_URL": url}))
    headers = {"Authorization": f"Bearer {token}"}
    response = app.test_client().post("/api/v1/process-models", data=DIAGRAM.read_bytes(), headers=headers,
                                      content_type="application/xml")
    assert response.status_code == 201, response.get_json()
    return app, headers


def service(app, headers: dict[str, str], rounds: int) -> list[float]:
    """(b)/(c) open a case and complete its 3 tasks through the API, timing each completion."""
    client = app.test_client()
    samples = []
    for _ in range(rounds):
        task = client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=headers).get_json()["tasks"][0]
        for _step in range(3):
            start = time.perf_counter()
            response = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": {"done": True}},
                                   headers=headers)
            samples.append(time.perf_counter() - start)
            assert response.status_code == 200, response.get_json()
            tasks = response.get_json()["tasks"]
            task = tasks[0] if tasks else None
    return samples


def floor(app, headers: dict[str, str], rounds: int) -> list[float]:
    """The least any API call costs: an authenticated GET /api/v1/me (token check, Flask, JSON), no
    engine and no write. Context for the ratio, not part of the goal."""
    client = app.test_client()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get("/api/v1/me", headers=headers)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200
    return samples


def store_cases(app, count: int) -> None:
    """Open `count` cases through the service (not timed)."""
    factory = make_session_factory(app.extensions["casepath.engine"])
    with factory() as session:
        user = get_user(session, "bench")
        for _ in range(count):
            open_case(session, "three_tasks", {}, user)


def report(label: str, samples: list[float], baseline: float | None = None) -> float:
    median, p95 = summary(samples)
    ratio = f"  ratio to (a): {median / baseline:.2f}" if baseline else ""
    print(f"{label:<48} median {median:7.2f} ms  p95 {p95:7.2f} ms{ratio}")
    return median


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--rounds", type=int, default=200)
    args.add_argument("--stored", type=int, default=10_000)
    opts = args.parse_args()
    print(f"diagram: start -> 3 user tasks -> end; {opts.rounds} cases x 3 completions each")
    base = report("(a) bare SpiffWorkflow + JSON round trip", bare(opts.rounds))
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("SQLite", f"sqlite:///{tmp}/bench.db")]
        try:
            from tests import pgserver

            server = pgserver.postgres_url()
            if server:
                targets.append(("PostgreSQL", pgserver.create_database(server, "casepath_bench")))
        except Exception as exc:  # noqa: BLE001 - the bench still reports SQLite
            print(f"(c) PostgreSQL not available: {exc}")
        for index, (name, url) in enumerate(targets):
            label = "(b)" if index == 0 else "(c)"
            app, headers = prepare(url)
            service(app, headers, 10)  # warm the spec cache and connections
            report(f"    floor on {name}: GET /api/v1/me, no engine", floor(app, headers, opts.rounds * 3), base)
            report(f"{label} service on {name}, empty database", service(app, headers, opts.rounds), base)
            started = time.perf_counter()
            store_cases(app, opts.stored)
            print(f"    stored {opts.stored} more cases in {time.perf_counter() - started:.1f} s")
            report(f"{label} service on {name}, {opts.stored} cases stored", service(app, headers, opts.rounds), base)
            app.extensions["casepath.engine"].dispose()


if __name__ == "__main__":
    main()
