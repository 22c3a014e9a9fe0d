"""The background worker: one APScheduler running the timer sweep, the reminder sweep, the outbox
sender and (SQLite) the write-ahead log's checkpoint every few seconds, and retention
(docs/retention.md) once a day."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from engine import notifications
from engine.cases.retention import run_retention
from engine.config import Settings
from engine.db import checkpoint
from engine.deadlines.worker import sweep
from engine.notifications import reminders
from engine.notifications.outbox import send_pending

log = logging.getLogger(__name__)


def _guarded(name: str, job: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    try:
        job(*args, **kwargs)
    except Exception:  # noqa: BLE001 - a failed run must not stop the scheduler; the next one retries
        log.exception("%s failed", name)


def _timers(factory: sessionmaker[Session], batch: int) -> None:
    _guarded("timer sweep", sweep, factory, batch=batch)


def _reminders(factory: sessionmaker[Session], settings: Settings) -> None:
    _guarded("reminder sweep", reminders.sweep, factory, settings)


def _outbox(factory: sessionmaker[Session], settings: Settings) -> None:
    _guarded("outbox", send_pending, factory, settings)


def _checkpoint(factory: sessionmaker[Session]) -> None:
    # Here rather than in some request's commit (engine.db.WAL_BACKSTOP_PAGES).
    _guarded("checkpoint", checkpoint, factory.kw["bind"])


def _retention(factory: sessionmaker[Session], settings: Settings) -> None:
    def job() -> None:
        with factory() as session:
            run_retention(session, settings)

    _guarded("retention", job)


def start_worker(factory: sessionmaker[Session], settings: Settings, blocking: bool = True) -> BackgroundScheduler:
    """Run the jobs every `worker_interval_seconds` (retention daily); blocking for `casepath worker`, else in a
    thread."""
    notifications.configure(settings)
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone=UTC)
    jobs = (("timers", _timers, [factory, settings.worker_batch_size]),
            ("reminders", _reminders, [factory, settings]),
            ("outbox", _outbox, [factory, settings]),
            ("checkpoint", _checkpoint, [factory]))
    for job_id, job, args in jobs:
        scheduler.add_job(
            job, "interval", seconds=settings.worker_interval_seconds, args=args, id=job_id, max_instances=1,
            coalesce=True, next_run_time=datetime.now(UTC), misfire_grace_time=None,
        )
    # Once a day, first when the worker starts (a worker restarted every night still runs it).
    scheduler.add_job(_retention, "interval", days=1, args=[factory, settings], id="retention", max_instances=1,
                      coalesce=True, next_run_time=datetime.now(UTC), misfire_grace_time=None)
    log.info("worker: timers, reminders, outbox and checkpoint every %s s, retention daily",
             settings.worker_interval_seconds)
    scheduler.start()
    return scheduler
