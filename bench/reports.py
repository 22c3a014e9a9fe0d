"""Management reports over a year of a large municipality: 50,000 cases, p50/p95 of each report.

Run: .venv/bin/python bench/reports.py [--cases 50000] [--runs 30] [--db sqlite|postgresql|both]
Default --db: both when a throwaway PostgreSQL can be started (tests/pgserver.py), else SQLite.

Per database: the shipped workflows deployed, 40 caseworkers, `--cases` cases opened over the year
before NOW with realistic timings (bench/report_data.py, bulk-inserted with Core), then each report
through the real app's API (token, JSON and CSV) and the /rapporter page for the whole year, `--runs`
times after two warm-up calls: wall time, and this process's CPU time. Goal: p95 < 500 ms for each.
PostgreSQL gets ANALYZE after the bulk insert (autovacuum would); SQLite runs as the app runs it.
Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from bench.case_list import _ok, timed  # noqa: E402
from bench.report_data import fill  # noqa: E402
from bench.timers import targets  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import make_engine, make_session_factory  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.process_models.models import ProcessVersion  # noqa: E402
from engine.process_models.service import deploy  # noqa: E402
from engine.users.service import create_token, create_user  # noqa: E402
from tests.ui.helpers import PASSWORD, login  # noqa: E402
from webui import create_app  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WORKFLOWS = Path(__file__).resolve().parent.parent / "workflows"
PERIOD = "from=2025-12-01&to=2026-11-23"


def deploy_shipped(session) -> dict[str, uuid.UUID]:
    """Deploy workflows/ (called processes first); the version id of each process key."""
    forms = {form.stem: form.read_bytes() for form in sorted((WORKFLOWS / "forms").glob("*.form"))}
    for path in sorted(WORKFLOWS.glob("*.bpmn"), key=lambda p: b"callActivity" in p.read_bytes()):
        deploy(session, path.read_bytes(), actor=None, filename=path.name, forms=forms)
    return dict(session.execute(select(ProcessVersion.key, ProcessVersion.id)).all())


def requests(app, token: str) -> dict:
    api, page = app.test_client(), app.test_client()
    assert login(page, "bench-lead").status_code == 302
    head = {"Authorization": f"Bearer {token}"}

    def get(client, url, headers=None):
        return lambda: _ok(client.get(url, headers=headers))

    return {
        "api deadlines, year": get(api, f"/api/v1/reports/deadlines?{PERIOD}", head),
        "api deadlines, children, csv": get(api, f"/api/v1/reports/deadlines?{PERIOD}&process_key=underretning_boern"
                                                 "&format=csv", head),
        "api flow, year": get(api, f"/api/v1/reports/flow?{PERIOD}", head),
        "api flow, team raadgiver-boern": get(api, f"/api/v1/reports/flow?{PERIOD}&group=raadgiver-boern", head),
        "api workload": get(api, f"/api/v1/reports/workload?{PERIOD}", head),
        "ui /rapporter (all three), year": get(page, "/rapporter?fra=2025-12-01&til=2026-11-23"),
    }


def cpu_timed(call, runs: int) -> tuple[float, float]:
    """(p50, p95) in ms of the CPU time this process spent per call: on a shared, loaded machine the
    wall time mostly measures the wait for a core; for SQLite (in-process) the CPU time is close to
    what the call takes on an idle one. PostgreSQL's own work runs in its server processes."""
    samples = []
    for _ in range(runs):
        started = time.process_time()
        call()
        samples.append((time.process_time() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def bench(label: str, url: str, count: int, runs: int, tmp: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        create_user(session, "bench-lead", "l@example.invalid", ["teamleder"], PASSWORD)
        owners = [create_user(session, f"bench-rg{i}", f"rg{i}@example.invalid",
                              ["raadgiver-boern" if i % 3 else "raadgiver-voksen"]).id for i in range(40)]
        token = create_token(session, "bench-lead")
        versions = deploy_shipped(session)
    started = time.perf_counter()
    with engine.begin() as conn:
        fill(conn, versions, owners, count, NOW)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("cases", "tasks", "case_events", "users", "user_groups"):
                conn.exec_driver_sql(f"ANALYZE {table}")
    print(f"\n{label}: {count} cases stored in {time.perf_counter() - started:.1f} s")
    settings = Settings.from_env({"CASEPATH_ENV": "testing", "DATABASE_URL": url,
                                  "CASEPATH_INSTANCE_PATH": f"{tmp}/instance-{label}"})
    app = create_app(settings, clock=lambda: NOW)
    try:
        for name, call in requests(app, token).items():
            (p50, p95), (cpu50, cpu95) = timed(call, runs), cpu_timed(call, runs)
            flag = "" if p95 < 500 else "   <-- over 500 ms"
            print(f"  {name:36s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   (this process's CPU: p50 {cpu50:6.1f} ms "
                  f"p95 {cpu95:6.1f} ms){flag}")
    finally:
        app.extensions["casepath.engine"].dispose()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, make_url in targets(args.db, tmp):
            url, drop = make_url(f"reports_{uuid.uuid4().hex[:8]}")
            try:
                bench(label, url, args.cases, args.runs, tmp)
            finally:
                drop()


if __name__ == "__main__":
    main()
