"""The background worker: APScheduler runs the timer sweep every few seconds."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from engine.config import Settings
from engine.deadlines.worker import sweep

log = logging.getLogger(__name__)


def _job(factory: sessionmaker[Session], batch: int) -> None:
    try:
        sweep(factory, batch=batch)
    except Exception:  # noqa: BLE001 - a failed sweep must not stop the scheduler; the next one retries
        log.exception("timer sweep failed")


def start_worker(factory: sessionmaker[Session], settings: Settings, blocking: bool = True) -> BackgroundScheduler:
    """Run the sweep every `worker_interval_seconds`; blocking for `casepath worker`, else in a thread."""
    scheduler = (BlockingScheduler if blocking else BackgroundScheduler)(timezone=UTC)
    scheduler.add_job(
        _job, "interval", seconds=settings.worker_interval_seconds, args=[factory, settings.worker_batch_size],
        id="timers", max_instances=1, coalesce=True, next_run_time=datetime.now(UTC),
        misfire_grace_time=None,
    )
    log.info("worker: sweeping every %s s", settings.worker_interval_seconds)
    scheduler.start()
    return scheduler
