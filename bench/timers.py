"""Timer worker: firing cost, idle sweep cost against a large timer table, and real lateness.

Run: .venv/bin/python bench/timers.py [--waiting 100000] [--due 1000] [--interval 5]
                                      [--db sqlite|postgresql|both] [--runs 200] [--batch 50]
Default --db: both when a throwaway PostgreSQL can be started (tests/pgserver.py), else sqlite.

Per database it prints:
1. fire: `--waiting` waiting timers of which `--due` are due. The due ones belong to real cases
   opened through `open_case` (PT1H intermediate timer, fixed clock); the rest are synthetic case
   and timer rows bulk-inserted with SQLAlchemy Core, due over the following year. One `sweep` as
   of the instant when exactly the real timers are due is timed (total s, ms per fired timer).
2. idle: `sweep` and the bare `due_cases` query when nothing is due, median and p95 over `--runs`
   runs, with 1k, 10k and 100k waiting timers (built up incrementally), and the due query's plan.
   Goal: < 5 ms at 100k, and flat.
3. lateness: the real worker (`start_worker`, APScheduler thread, `--interval` s) on the idle
   database; ~20 cases with a PT2S timer opened at staggered moments; max and median `late_seconds`
   once all fired. Goal: at most one interval + 1 s.
Not a test: it prints figures. Databases live in a temp dir / throwaway PostgreSQL and are removed.
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, event, func, insert, select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from engine.cases.events import TIMER_FIRED  # noqa: E402
from engine.cases.models import Case, CaseEvent  # noqa: E402
from engine.cases.service import open_case  # noqa: E402
from engine.config import Settings  # noqa: E402
from engine.db import make_engine, make_session_factory  # noqa: E402
from engine.deadlines.models import FIRED, WAITING, Timer  # noqa: E402
from engine.deadlines.worker import due_cases, sweep  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.process_models.service import deploy  # noqa: E402
from engine.users.models import User  # noqa: E402
from engine.users.service import create_user  # noqa: E402
from engine.worker import start_worker  # noqa: E402
from tests.engine.deadlines.diagrams import intermediate  # noqa: E402

# The fixed clock of parts 1 and 2: a month ahead, so the system-clock worker of part 3 never
# finds these timers due.
T0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=30)
REAL_DUE = T0 + timedelta(hours=1)  # real cases opened at T0 wait PT1H
FIRE_AT = REAL_DUE + timedelta(seconds=1)  # exactly the real timers are due
IDLE_AT = REAL_DUE  # nothing is due in the idle database (its timers start at SYNTHETIC_FROM)
SYNTHETIC_FROM = T0 + timedelta(hours=2)
SYNTHETIC_SPAN = timedelta(days=365)
IDLE_LEVELS = (1_000, 10_000, 100_000)
CHUNK = 10_000
LATE_CASES = 20


@dataclass
class Database:
    """One prepared database: engine, sessions, the bench user, and how to drop it afterwards."""

    label: str
    url: str
    engine: Engine
    factory: sessionmaker[Session]
    user: User
    drop: Callable[[], None]


def summary(samples: list[float]) -> tuple[float, float]:
    """Median and 95th percentile, in ms."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[max(int(len(ordered) * 0.95) - 1, 0)] * 1000


def targets(choice: str | None, tmp: str) -> list[tuple[str, Callable[[str], tuple[str, Callable[[], None]]]]]:
    """(label, make_url(name) -> (url, drop)) for every database to measure."""
    def sqlite_url(name: str) -> tuple[str, Callable[[], None]]:
        return f"sqlite:///{tmp}/{name}.db", lambda: None

    result: list[tuple[str, Callable[[str], tuple[str, Callable[[], None]]]]] = []
    if choice in (None, "sqlite", "both"):
        result.append(("sqlite", sqlite_url))
    if choice in (None, "postgresql", "both"):
        try:
            from tests import pgserver

            server = pgserver.postgres_url()
        except Exception as exc:  # noqa: BLE001 - the default run still reports SQLite
            server, reason = None, str(exc).splitlines()[0]
        else:
            reason = "no PostgreSQL binaries found"
        if server:
            def pg_url(name: str, server: str = server) -> tuple[str, Callable[[], None]]:
                db = f"casepath_bench_{name}"
                return pgserver.create_database(server, db), lambda: pgserver.drop_database(server, db)

            result.append(("postgresql", pg_url))
        elif choice is None:
            print(f"(PostgreSQL not available: {reason}; measuring SQLite only)")
        else:
            raise SystemExit(f"PostgreSQL not available: {reason}")
    return result


def prepare(label: str, make_url: Callable[[str], tuple[str, Callable[[], None]]], name: str) -> Database:
    """A fresh migrated database with a user allowed to deploy and open cases."""
    url, drop = make_url(name)
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        user = create_user(session, "bench", "bench@example.invalid", ["teamleder", "modtagerteam"])
    return Database(label, url, engine, factory, user, drop)


def deploy_wait(db: Database, key: str, duration: str) -> uuid.UUID:
    """Deploy start → timer `duration` → user task → end as `key`; returns the version id."""
    with db.factory() as session:
        [deployed] = deploy(session, intermediate(key, "timeDuration", duration), actor=db.user)
        return deployed.version.id


def analyze(db: Database) -> None:
    """Fresh planner statistics after bulk inserts (PostgreSQL only)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE cases")
            conn.exec_driver_sql("ANALYZE timers")


def add_synthetic(db: Database, version_id: uuid.UUID, first: int, count: int, seed: int) -> float:
    """Bulk-insert `count` open cases each with one waiting timer due in the year after SYNTHETIC_FROM."""
    rng = random.Random(seed)
    started = time.perf_counter()
    with db.engine.begin() as conn:
        for offset in range(0, count, CHUNK):
            numbers = range(first + offset, first + min(offset + CHUNK, count))
            cases = [{"id": uuid.uuid4(), "reference": f"B{n:09d}", "process_version_id": version_id,
                      "status": "open", "opened_at": T0, "updated_at": T0, "closed_at": None,
                      "opened_by_id": None, "lock_version": 1} for n in numbers]
            conn.execute(insert(Case), cases)
            conn.execute(insert(Timer), [
                {"id": uuid.uuid4(), "case_id": case["id"], "task_id": uuid.uuid4(), "bpmn_id": "wait",
                 "name": "Vent", "due_at": SYNTHETIC_FROM + SYNTHETIC_SPAN * rng.random(), "rule_key": None,
                 "state": WAITING, "created_at": T0, "ended_at": None, "late_seconds": None, "details": {}}
                for case in cases
            ])
    return time.perf_counter() - started


def count_timers(session: Session, state: str) -> int:
    return session.scalar(select(func.count()).select_from(Timer).where(Timer.state == state)) or 0


# -- 1. fire ---------------------------------------------------------------------------------------

def bench_fire(db: Database, waiting: int, due: int, batch: int) -> None:
    version_id = deploy_wait(db, "bench_fire", "PT1H")
    seconds = add_synthetic(db, version_id, 0, waiting - due, seed=1)
    print(f"    setup: {waiting - due} synthetic waiting timers (+cases) bulk-inserted in {seconds:.1f} s")
    started = time.perf_counter()
    with db.factory() as session:
        for _ in range(due):
            open_case(session, "bench_fire", {}, db.user, clock=lambda: T0)
            session.expunge_all()
    seconds = time.perf_counter() - started
    print(f"    setup: {due} real cases opened through open_case in {seconds:.1f} s "
          f"({seconds / max(due, 1) * 1000:.1f} ms/case)")
    analyze(db)
    with db.factory() as session:
        assert count_timers(session, WAITING) == waiting
        assert session.scalar(select(func.count()).select_from(Timer).where(
            Timer.state == WAITING, Timer.due_at <= FIRE_AT)) == due

    started = time.perf_counter()
    result = sweep(db.factory, clock=lambda: FIRE_AT, batch=batch)
    seconds = time.perf_counter() - started

    with db.factory() as session:
        events = session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.kind == TIMER_FIRED))
        left = count_timers(session, WAITING)
    assert result.fired == due and events == due, (result, events)
    assert left == waiting - due, left
    print(f"{db.label:<10} fire {due} due among {waiting} waiting: {seconds:.1f} s total, "
          f"{seconds / max(due, 1) * 1000:.1f} ms/timer  (batch {batch}; {events} timer_fired events, "
          f"{left} still waiting)")


# -- 2. idle sweep ----------------------------------------------------------------------------------

def time_idle(db: Database, runs: int) -> tuple[list[float], list[float]]:
    clock = lambda: IDLE_AT  # noqa: E731
    for _ in range(10):  # warm connections and statement caches
        assert sweep(db.factory, clock=clock).cases == 0
    sweeps = []
    for _ in range(runs):
        started = time.perf_counter()
        result = sweep(db.factory, clock=clock)
        sweeps.append(time.perf_counter() - started)
        assert result.cases == 0
    queries = []
    with db.factory() as session:
        for _ in range(runs):
            started = time.perf_counter()
            found = due_cases(session, IDLE_AT)
            queries.append(time.perf_counter() - started)
            session.rollback()
            assert not found
    return sweeps, queries


def query_plan(db: Database) -> list[str]:
    """The plan of the sweep's due query, as the database would run it (captured SQL and parameters)."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        captured.append((statement, parameters))

    with db.factory() as session:
        event.listen(db.engine, "before_cursor_execute", capture)
        try:
            due_cases(session, IDLE_AT)
        finally:
            event.remove(db.engine, "before_cursor_execute", capture)
        statement, parameters = next((s, p) for s, p in captured if "FROM timers" in s)
        prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
        rows = session.connection().exec_driver_sql(prefix + statement, parameters).all()
        session.rollback()
    if db.engine.dialect.name == "sqlite":
        return [str(row[-1]) for row in rows]
    return [str(row[0]) for row in rows]


def bench_idle(db: Database, runs: int) -> None:
    version_id = deploy_wait(db, "bench_late", "PT2S")  # also used by part 3 on this database
    print(f"{db.label:<10} idle sweep, nothing due, {runs} runs each   goal: sweep < 5 ms at 100k, flat")
    print(f"    {'waiting':>8}  {'sweep median':>12}  {'sweep p95':>9}  {'due_cases median':>16}  "
          f"{'due_cases p95':>13}  {'(insert s)':>10}")
    have = 0
    for level in IDLE_LEVELS:
        seconds = add_synthetic(db, version_id, have, level - have, seed=level)
        have = level
        analyze(db)
        sweeps, queries = time_idle(db, runs)
        (s_med, s_p95), (q_med, q_p95) = summary(sweeps), summary(queries)
        print(f"    {level:>8}  {s_med:9.2f} ms  {s_p95:6.2f} ms  {q_med:13.2f} ms  {q_p95:10.2f} ms  {seconds:10.1f}")
    verdict = "OK" if s_med < 5 else "MISSED"
    print(f"    at {have}: sweep median {s_med:.2f} ms vs goal < 5 ms: {verdict}")
    print(f"    due query plan ({'EXPLAIN QUERY PLAN' if db.engine.dialect.name == 'sqlite' else 'EXPLAIN'}, "
          f"{have} waiting):")
    plan = query_plan(db)
    for line in plan:
        print(f"      {line}")
    uses = any("ix_timers_state_due_at" in line for line in plan)
    print(f"    uses ix_timers_state_due_at: {'yes' if uses else 'NO'}")


# -- 3. lateness ------------------------------------------------------------------------------------

def bench_lateness(db: Database, interval: int) -> None:
    settings = Settings.from_env({"CASEPATH_ENV": "testing", "DATABASE_URL": db.url,
                                  "CASEPATH_WORKER_INTERVAL": str(interval)})
    worker_engine = make_engine(settings.database_url)  # the worker process's own engine, as in production
    scheduler = start_worker(make_session_factory(worker_engine), settings, blocking=False)
    spacing = 2 * interval / LATE_CASES  # due moments spread over two sweep intervals
    case_ids: list[uuid.UUID] = []
    try:
        with db.factory() as session:
            with_waiting = count_timers(session, WAITING)
            for _ in range(LATE_CASES):
                case_ids.append(open_case(session, "bench_late", {}, db.user).case.id)
                session.expunge_all()
                time.sleep(spacing)
        deadline = time.monotonic() + 2 + 3 * interval + 30
        fired = 0
        while time.monotonic() < deadline:
            with db.factory() as session:
                fired = session.scalar(select(func.count()).select_from(Timer).where(
                    Timer.case_id.in_(case_ids), Timer.state == FIRED)) or 0
            if fired == len(case_ids):
                break
            time.sleep(0.2)
    finally:
        scheduler.shutdown(wait=True)
        worker_engine.dispose()
    with db.factory() as session:
        late = list(session.scalars(select(Timer.late_seconds).where(
            Timer.case_id.in_(case_ids), Timer.state == FIRED)))
    goal = interval + 1
    if len(late) < len(case_ids):
        print(f"{db.label:<10} lateness: only {len(late)} of {len(case_ids)} timers fired within the wait: MISSED")
    if late:
        worst, middle = max(late), statistics.median(late)
        verdict = "OK" if worst <= goal and len(late) == len(case_ids) else "MISSED"
        print(f"{db.label:<10} lateness of {len(late)} PT2S timers, worker every {interval} s, "
              f"{with_waiting} other timers waiting: max {worst:.2f} s, median {middle:.2f} s  "
              f"(goal <= interval + 1 s = {goal} s: {verdict})")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--waiting", type=int, default=100_000, help="waiting timers in the fire database")
    args.add_argument("--due", type=int, default=1_000, help="of which due (real cases)")
    args.add_argument("--interval", type=int, default=5, help="worker interval, seconds (lateness)")
    args.add_argument("--db", choices=("sqlite", "postgresql", "both"), default=None,
                      help="default: both when PostgreSQL can be started, else sqlite")
    args.add_argument("--runs", type=int, default=200, help="runs per idle measurement")
    args.add_argument("--batch", type=int, default=Settings.worker_batch_size, help="sweep batch size")
    opts = args.parse_args()
    if not 0 < opts.due <= opts.waiting:
        raise SystemExit("--due must be between 1 and --waiting")
    print(f"fixed clock T0 = {T0.isoformat()}; real timers due {REAL_DUE.isoformat()}, swept at {FIRE_AT.isoformat()}")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="casepath-bench-") as tmp:
        for label, make_url in targets(opts.db, tmp):
            db = prepare(label, make_url, "fire")
            try:
                bench_fire(db, opts.waiting, opts.due, opts.batch)
            finally:
                db.engine.dispose()
                db.drop()
            db = prepare(label, make_url, "idle")
            try:
                bench_idle(db, opts.runs)
                bench_lateness(db, opts.interval)
            finally:
                db.engine.dispose()
                db.drop()
    print(f"total run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
