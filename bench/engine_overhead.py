"""Engine overhead: bare SpiffWorkflow vs the casepath service, per task completion.

Run: .venv/bin/python bench/engine_overhead.py [--rounds 200] [--stored 10000] [--seconds 30]
Prints ms per completion (median, p95) for (a) bare SpiffWorkflow with a JSON serializer round
trip around every completion, (b) the service through the Flask test client on SQLite (auth,
validation, commit, event, task table), (c) the same on PostgreSQL when one can be started, each
again with `--stored` cases already in the database; a claim and a case opening in process; and
(d) completions over HTTP against gunicorn (`--workers` sync workers, `--clients` concurrent
clients, `--seconds`, loopback; bench/http_load.py) on the same databases: completions/s, p50/p95,
errors, CPU per completion of the app and of PostgreSQL. The goals of issue 19 are printed beside
the figures. Not a test: it prints figures; the machine is shared, so run it three times.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import http_load  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.camunda.parser import CamundaParser  # noqa: E402
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import select  # noqa: E402

from engine.cases.service import open_case  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import make_engine, make_session_factory  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.tasks.models import READY, Task  # noqa: E402
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


def openings(app, headers: dict[str, str], rounds: int) -> list[float]:
    """A case opening through the API (the diagram's start and first task), timed."""
    client, samples = app.test_client(), []
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=headers)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 201, response.get_json()
    return samples


def claims(app, headers: dict[str, str], rounds: int) -> list[float]:
    """A claim through the API of the first task of a case opened before (untimed), timed."""
    client = app.test_client()
    tasks = [client.post("/api/v1/cases", json={"process_key": "three_tasks"}, headers=headers).get_json()
             ["tasks"][0]["id"] for _ in range(rounds)]
    samples = []
    for task in tasks:
        start = time.perf_counter()
        response = client.post(f"/api/v1/tasks/{task}/claim", headers=headers)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, response.get_json()
    return samples


def store_cases(app, count: int) -> None:
    """Open `count` cases through the service (not timed)."""
    factory = make_session_factory(app.extensions["casepath.engine"])
    with factory() as session:
        user = get_user(session, "bench")
        for _ in range(count):
            open_case(session, "three_tasks", {}, user)


def report(label: str, samples: list[float], baseline: float | None = None, goal: str = "") -> float:
    median, p95 = summary(samples)
    ratio = f"  ratio to (a): {median / baseline:.2f}" if baseline else ""
    print(f"{label:<48} median {median:7.2f} ms  p95 {p95:7.2f} ms{ratio}{goal}")
    return median


def goal(met: bool, text: str) -> str:
    """A goal of issue 19 and whether this run met it."""
    return f"  [goal {text}: {'met' if met else 'NOT met'}]"


def in_process(name: str, url: str, base: float, opts: argparse.Namespace) -> tuple[dict[str, str], float]:
    """(b)/(c), a claim and a case opening, empty and with `opts.stored` cases; returns (headers, ratio)."""
    sqlite, label = url.startswith("sqlite"), "(b)" if url.startswith("sqlite") else "(c)"
    limit = 2.5 if sqlite else 6.0
    app, headers = prepare(url)
    service(app, headers, 10)  # warm the spec cache and connections
    report(f"    floor on {name}: GET /api/v1/me, no engine", floor(app, headers, opts.rounds * 3), base)
    empty = report(f"{label} service on {name}, empty database", service(app, headers, opts.rounds), base)
    started = time.perf_counter()
    store_cases(app, opts.stored)
    print(f"    stored {opts.stored} more cases in {time.perf_counter() - started:.1f} s")
    full = report(f"{label} service on {name}, {opts.stored} cases stored", service(app, headers, opts.rounds), base)
    ratio = full / base
    print(f"    ratio to (a) with {opts.stored} cases stored: {ratio:.2f}{goal(ratio <= limit, f'<= {limit}')}"
          f"; flat: {full / empty:.2f} x the empty database's")
    claim = report(f"    claim on {name}", claims(app, headers, opts.rounds), base)
    opening = report(f"    case opening on {name}", openings(app, headers, opts.rounds), base)
    if sqlite:
        print(f"    claim {goal(claim <= 1.0, '<= 1 ms')}  case opening {goal(opening <= 3.0, '<= 3 ms')}")
    app.extensions["casepath.engine"].dispose()
    return headers, ratio


def first_tasks(url: str) -> list[str]:
    """The READY first tasks of the stored cases (each case gives three completions)."""
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        ids = [str(i) for i in session.scalars(select(Task.id).where(Task.state == READY, Task.bpmn_id == "t1"))]
    engine.dispose()
    return ids


def over_http(name: str, url: str, instance: str, headers: dict[str, str], opts: argparse.Namespace) -> None:
    """(d): completions over HTTP against gunicorn, with the goals beside."""
    figures = http_load.run(url, instance, headers, first_tasks(url), opts)
    target = 500 if url.startswith("sqlite") else 400
    met = figures["rate"] >= target and figures["errors"] == 0 and figures["p95"] <= 50
    db = f", PostgreSQL {figures['db_cpu']:.2f} ms" if not url.startswith("sqlite") else ""
    print(f"(d) HTTP on {name}, gunicorn {opts.workers} workers x {opts.clients} clients, {opts.seconds} s: "
          f"{figures['rate']:.0f} completions/s, p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, "
          f"{figures['errors']} errors; CPU per completion: app {figures['app_cpu']:.2f} ms{db}"
          f"{goal(met, f'>= {target}/s, 0 errors, p95 <= 50 ms')}")
    if figures["left"] == 0:
        print("    (every stored case was used: raise --stored for a longer run)")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--rounds", type=int, default=200)
    args.add_argument("--stored", type=int, default=10_000)
    args.add_argument("--seconds", type=float, default=30.0, help="(d): the timed window")
    args.add_argument("--clients", type=int, default=8, help="(d): concurrent clients")
    args.add_argument("--workers", type=int, default=2, help="(d): gunicorn workers")
    args.add_argument("--no-http", action="store_true", help="skip (d)")
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
        for name, url in targets:
            headers, _ratio = in_process(name, url, base, opts)
            if not opts.no_http:
                over_http(name, url, tmp, headers, opts)


if __name__ == "__main__":
    main()
