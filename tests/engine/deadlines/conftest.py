"""Fixtures for driving cases through time with the worker's sweep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from engine.cases.service import open_case
from engine.deadlines.models import Timer
from engine.deadlines.worker import SweepResult, sweep
from engine.process_models.service import deploy
from engine.tasks.models import READY, Task
from engine.users.service import create_user
from tests.conftest import bound_session


class Driver:
    """Deploys diagrams, opens cases at given instants and sweeps timers as of given instants."""

    def __init__(self, session, connection) -> None:
        self.session = session
        self.connection = connection
        self.user = create_user(session, "drv", "drv@example.invalid", ["modtagerteam", "teamleder", "admin"])

    def deploy(self, xml: bytes) -> None:
        deploy(self.session, xml, actor=self.user)

    def open(self, key: str, at: datetime, **data: Any):
        return open_case(self.session, key, data, self.user, clock=lambda: at).case

    def sweep(self, at: datetime) -> SweepResult:
        result = sweep(lambda: bound_session(self.connection), clock=lambda: at)
        self.session.expire_all()
        return result

    def ready(self, case) -> list[str]:
        rows = self.session.scalars(
            select(Task).where(Task.case_id == case.id, Task.state == READY).order_by(Task.created_at, Task.bpmn_id)
        )
        return [row.bpmn_id for row in rows]

    def task(self, case, bpmn_id: str) -> Task:
        return self.session.scalars(
            select(Task).where(Task.case_id == case.id, Task.bpmn_id == bpmn_id, Task.state == READY)
        ).one()

    def timers(self, case) -> list[Timer]:
        return list(self.session.scalars(select(Timer).where(Timer.case_id == case.id).order_by(Timer.due_at)))


@pytest.fixture
def driver(db_session, connection) -> Driver:
    return Driver(db_session, connection)


@pytest.fixture
def at() -> Callable[[str], datetime]:
    return datetime.fromisoformat
