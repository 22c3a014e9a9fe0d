"""A small world for person tests: the review process deployed, users of each kind, cases opened."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.cases.service import open_case
from engine.process_models.service import deploy
from engine.users.models import User
from engine.users.service import create_user
from tests.api.helpers import DATA

NOW = datetime.fromisoformat("2026-12-01T10:00:00+01:00")


class World:
    """lead (teamleder), reception (modtagerteam: candidate of a new case's first task), admin, stranger."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.lead = self.user("lene", "teamleder")
        self.reception = self.user("rita", "modtagerteam")
        self.admin = self.user("adam", "admin")
        self.stranger = self.user("sune", "raadgiver-voksen")
        self.knowledge = self.user("vera", "vidensperson")
        deploy(session, (DATA / "review.bpmn").read_bytes(), actor=self.lead)

    def user(self, name: str, *groups: str) -> User:
        return create_user(self.session, name, f"{name}@example.invalid", list(groups))

    def case(self, at: datetime = NOW) -> Case:
        return open_case(self.session, "review", {}, self.lead, clock=lambda: at).case
