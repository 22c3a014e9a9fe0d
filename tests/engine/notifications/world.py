"""A small world for the notification tests: a diagram with deadlines, users, cases and a fixed clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import notifications
from engine.cases.service import open_case
from engine.config import Settings
from engine.notifications import reminders
from engine.notifications.models import OutboxMail
from engine.notifications.outbox import SendResult, send_pending
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from engine.tasks.models import READY, Task
from engine.users.models import User
from engine.users.service import create_user
from tests.conftest import bound_session
from tests.engine.notifications.mailserver import MailServer

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d_{pid}" targetNamespace="t">
  <bpmn:process id="{pid}" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="lane_rec" name="Modtagerteam">{refs}</bpmn:lane></bpmn:laneSet>
"""


def diagram(pid: str, first_due: str = "", second_due: str = "due") -> bytes:
    """start → "Registrér henvendelse" (due: first_due) → "Kvittering til underretter" (due: second_due) → end.

    Due dates are expressions; the default reads the case field `due`.
    """
    def task(tid: str, name: str, due: str, incoming: str, outgoing: str) -> str:
        attr = f' camunda:dueDate="{due}"' if due else ""
        return (f'    <bpmn:userTask id="{tid}" name="{name}"{attr}><bpmn:incoming>{incoming}</bpmn:incoming>'
                f"<bpmn:outgoing>{outgoing}</bpmn:outgoing></bpmn:userTask>\n")

    refs = "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ("s", "register", "receipt", "e"))
    body = ('    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
            + task("register", "Registrér henvendelse", first_due, "f1", "f2")
            + task("receipt", "Kvittering til underretter", second_due, "f2", "f3")
            + '    <bpmn:endEvent id="e"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>\n'
            '    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="register" />\n'
            '    <bpmn:sequenceFlow id="f2" sourceRef="register" targetRef="receipt" />\n'
            '    <bpmn:sequenceFlow id="f3" sourceRef="receipt" targetRef="e" />\n')
    return (HEAD.format(pid=pid, refs=refs) + body + "  </bpmn:process>\n</bpmn:definitions>\n").encode()


def mail_settings(settings: Settings, server: MailServer, **overrides: Any) -> Settings:
    """Test settings pointing at the test SMTP server."""
    return replace(settings, smtp_host="127.0.0.1", smtp_port=server.port, mail_from="casepath@kommune.example",
                   base_url="https://casepath.kommune.example", **overrides)


class World:
    """Deploys diagrams, creates users, opens cases at given instants, sweeps and sends as of given instants."""

    def __init__(self, session: Session, connection: Any, settings: Settings, server: MailServer) -> None:
        self.session = session
        self.connection = connection
        self.settings = settings
        self.server = server
        notifications.configure(settings)  # what a web request's assignment mail uses
        self.admin = create_user(session, "drv", "drv@example.invalid", ["modtagerteam", "teamleder", "admin"])
        self.admin.active = False  # a service account: no mail of its own
        session.commit()

    def factory(self) -> Session:
        return bound_session(self.connection)

    def deploy(self, xml: bytes) -> None:
        deploy(self.session, xml, actor=self.admin)

    def user(self, name: str, *groups: str, locale: str = "da", digest: bool = False, hour: int = 8) -> User:
        user = create_user(self.session, name, f"{name}@kommune.example", list(groups))
        user.locale, user.reminder_digest, user.digest_hour = locale, digest, hour
        self.session.commit()
        return user

    def open(self, key: str, at: datetime, **data: Any):
        return open_case(self.session, key, data, self.admin, clock=lambda: at).case

    def task(self, case, bpmn_id: str) -> Task:
        self.session.expire_all()
        return self.session.scalars(
            select(Task).where(Task.case_id == case.id, Task.bpmn_id == bpmn_id, Task.state == READY)).one()

    def complete(self, case, bpmn_id: str, by: User, at: datetime, **data: Any) -> None:
        # `data` may carry a new `due`: the next task's due date reads it.
        tasks.complete(self.session, self.task(case, bpmn_id).id, data, by, clock=lambda: at)

    def assign(self, case, bpmn_id: str, username: str, by: User, at: datetime) -> None:
        """A team lead assigns the task as of `at`."""
        tasks.assign(self.session, self.task(case, bpmn_id).id, username, by, clock=lambda: at)

    def sweep(self, at: datetime, settings: Settings | None = None) -> reminders.ReminderResult:
        result = reminders.sweep(self.factory, settings or self.settings, clock=lambda: at)
        self.session.expire_all()
        return result

    def send(self, at: datetime, **kwargs: Any) -> SendResult:
        result = send_pending(self.factory, self.settings, clock=lambda: at, **kwargs)
        self.session.expire_all()
        return result

    def run(self, at: datetime) -> list:
        """Sweep and send as of `at`; the messages received during this run."""
        before = len(self.server.raw)
        self.sweep(at)
        self.send(at)
        return self.server.messages[before:]

    def outbox(self, **where: Any) -> list[OutboxMail]:
        self.session.expire_all()
        query = select(OutboxMail).order_by(OutboxMail.created_at, OutboxMail.to_addr)
        for key, value in where.items():
            query = query.where(getattr(OutboxMail, key) == value)
        return list(self.session.scalars(query))


def recipients(messages: list) -> list[str]:
    return sorted(str(message["To"]) for message in messages)


def kinds(rows: list[OutboxMail]) -> list[tuple[str, str]]:
    return sorted((row.kind, row.to_addr) for row in rows)
