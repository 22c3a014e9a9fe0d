"""Case lists with 20,000 cases: GET /api/v1/cases, POST /api/v1/cases/search and /sager, p50/p95.

Run: .venv/bin/python bench/case_list.py [--cases 20000] [--runs 100] [--db sqlite|postgresql|both]
Default --db: both when a throwaway PostgreSQL can be started (tests/pgserver.py), else SQLite.

Per database: `--cases` cases bulk-inserted with SQLAlchemy Core over five years (a quarter open,
each open case with one READY task, every case with two completed ones; owners spread over 40
caseworkers, some members, search text on most), then each request below `--runs` times through the
Flask test client against the real app (token or signed-in session, rule, query, JSON or the page's
HTML), after two warm-up calls. Goal: p95 < 100 ms for every request. PostgreSQL gets ANALYZE after
the bulk insert (autovacuum would); SQLite runs as the app runs it. Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from bench.timers import targets  # noqa: E402
from engine.cases.models import Case, CaseMember  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import make_engine, make_session_factory  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.process_models.service import deploy  # noqa: E402
from engine.tasks.models import COMPLETED, READY, Task  # noqa: E402
from engine.users.service import create_token, create_user  # noqa: E402
from tests.ui.helpers import PASSWORD, login  # noqa: E402
from webui import create_app  # noqa: E402

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DIAGRAM = Path(__file__).resolve().parent.parent / "tests" / "data" / "findable.bpmn"
GROUPS = ("modtagerteam", "raadgiver-boern", "raadgiver-voksen", "teamleder")
PLACES = ("Nørrebro Skole", "Valby Skole", "Amager Skole", "Krisecentret Nord", "Ishøj Gymnasium", "SSP Vest",
          "Jobcenter Syd", "Tingbjerg Skole", "Sundby Dagtilbud", "Politiets forebyggelse")
CHUNK = 5_000


def fill(engine, version_id: uuid.UUID, owners: list[uuid.UUID], count: int, seed: int = 7) -> float:
    """Bulk-insert `count` cases with their tasks and some memberships; seconds taken."""
    rng = random.Random(seed)
    started = time.perf_counter()
    with engine.begin() as conn:
        for first in range(0, count, CHUNK):
            cases, tasks, members = [], [], []
            for n in range(first, min(first + CHUNK, count)):
                opened = NOW - timedelta(days=1825 * n / count + rng.random())
                is_open = n >= count * 3 // 4
                owner = rng.choice(owners) if rng.random() < 0.9 else None
                due = opened + timedelta(days=rng.choice((1, 6, 30, 120))) if is_open else None
                case_id = uuid.uuid4()
                cases.append({
                    "id": case_id, "reference": f"{opened.year}-{n:06d}", "process_version_id": version_id,
                    "status": "open" if is_open else "closed", "opened_at": opened, "updated_at": opened,
                    "closed_at": None if is_open else opened + timedelta(days=90), "opened_by_id": None,
                    "owner_id": owner, "lock_version": 1, "risk_level": rng.choice((None, "low", "medium", "high")),
                    "acute": rng.random() < 0.1, "next_due_at": due,
                    "search_text": rng.choice(PLACES).casefold() if rng.random() < 0.8 else None})
                for step in range(2):
                    tasks.append(_task(case_id, version_id, f"done{step}", rng.choice(GROUPS), owner, opened,
                                       COMPLETED))
                if is_open:
                    tasks.append(_task(case_id, version_id, "now", rng.choice(GROUPS),
                                       owner if rng.random() < 0.6 else None, opened, READY, due))
                if rng.random() < 0.05:
                    members.append({"id": uuid.uuid4(), "case_id": case_id, "user_id": rng.choice(owners),
                                    "role": rng.choice(("caseworker", "knowledge_person")), "until": None,
                                    "added_at": opened, "added_by": "bench"})
            conn.execute(insert(Case), cases)
            conn.execute(insert(Task), tasks)
            if members:
                conn.execute(insert(CaseMember), members)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("cases", "tasks", "case_members", "users", "user_groups"):
                conn.exec_driver_sql(f"ANALYZE {table}")
    return time.perf_counter() - started


def _task(case_id, version_id, bpmn_id, group, holder, created, state, due=None) -> dict:
    return {"id": uuid.uuid4(), "case_id": case_id, "process_version_id": version_id, "bpmn_id": bpmn_id,
            "name": bpmn_id, "lane": None, "candidate_group": group, "assignee_id": holder, "created_at": created,
            "due_at": due, "due_rule": None, "form_key": None, "state": state,
            "ended_at": None if state == READY else created, "ended_by_id": None}


def timed(call: Callable[[], object], runs: int) -> tuple[float, float]:
    """(p50, p95) in ms of `runs` calls after two warm-up calls."""
    call(), call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.95))]


def requests(app, users: dict) -> dict[str, Callable[[], object]]:
    """The requests measured, by name; each asserts its status so a failure is not timed as fast."""
    api = app.test_client()
    head = {name: {"Authorization": f"Bearer {token}"} for name, token in users.items()}
    pages = {name: app.test_client() for name in ("lead", "caseworker")}
    for name, client in pages.items():
        assert login(client, f"bench-{name}").status_code == 302

    def get(client, url, headers=None):
        return lambda: _ok(client.get(url, headers=headers))

    def post(client, url, json=None, data=None, headers=None):
        return lambda: _ok(client.post(url, json=json, data=data, headers=headers), (200,))

    token = _csrf(pages["caseworker"])
    return {
        "api lead all open by deadline": get(api, "/api/v1/cases?scope=all", head["lead"]),
        "api lead all, newest first, page 50": get(api, "/api/v1/cases?scope=all&status=any&sort=-opened&page=50",
                                                   head["lead"]),
        "api lead high+acute+overdue": get(api, "/api/v1/cases?scope=all&risk_level=high&acute=true&overdue=true",
                                           head["lead"]),
        "api lead partial reference": get(api, "/api/v1/cases?scope=all&status=any&q=2025-0123", head["lead"]),
        "api lead free text (POST)": post(api, "/api/v1/cases/search", {"scope": "all", "status": "any",
                                                                        "q": "nørrebro"}, headers=head["lead"]),
        "api caseworker mine": get(api, "/api/v1/cases?scope=mine&status=any", head["caseworker"]),
        "api caseworker team": get(api, "/api/v1/cases?scope=team", head["caseworker"]),
        "api reception team": get(api, "/api/v1/cases?scope=team", head["reception"]),
        "ui lead /sager all": get(pages["lead"], "/sager?visning=alle"),
        "ui caseworker /sager mine": get(pages["caseworker"], "/sager"),
        "ui caseworker search (POST)": post(pages["caseworker"], "/sager", data={
            "soeg": "skole", "visning": "alle", "status": "alle", "csrf_token": token}),
    }


def _ok(response, statuses=(200,)):
    assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True)[:300])
    return response


def _csrf(client) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/profil").get_data(as_text=True)).group(1)


def bench(label: str, url: str, count: int, runs: int, tmp: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        lead = create_user(session, "bench-lead", "l@example.invalid", ["teamleder"], PASSWORD)
        caseworkers = [create_user(session, f"bench-rg{i}", f"rg{i}@example.invalid", ["raadgiver-boern"])
                       for i in range(40)]
        worker = create_user(session, "bench-caseworker", "c@example.invalid", ["raadgiver-boern"], PASSWORD)
        create_user(session, "bench-reception", "r@example.invalid", ["modtagerteam"])
        [deployed] = deploy(session, DIAGRAM.read_bytes(), actor=lead, filename="findable.bpmn")
        owners = [u.id for u in caseworkers] + [worker.id]
        tokens = {name: create_token(session, f"bench-{name}") for name in ("lead", "caseworker", "reception")}
        version_id = deployed.version.id
    seconds = fill(engine, version_id, owners, count)
    print(f"\n{label}: {count} cases stored in {seconds:.1f} s")
    settings = Settings.from_env({"CASEPATH_ENV": "testing", "DATABASE_URL": url,
                                  "CASEPATH_INSTANCE_PATH": f"{tmp}/instance-{label}"})
    app = create_app(settings, clock=lambda: NOW)
    try:
        for name, call in requests(app, tokens).items():
            p50, p95 = timed(call, runs)
            flag = "" if p95 < 100 else "   <-- over 100 ms"
            print(f"  {name:40s} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms{flag}")
    finally:
        app.extensions["casepath.engine"].dispose()
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, make_url in targets(args.db, tmp):
            url, drop = make_url(f"case_list_{uuid.uuid4().hex[:8]}")
            try:
                bench(label, url, args.cases, args.runs, tmp)
            finally:
                drop()


if __name__ == "__main__":
    main()
