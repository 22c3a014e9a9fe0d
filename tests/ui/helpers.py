"""Helpers for the UI tests with Flask's test client."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from engine.cases.service import open_case
from engine.process_models.service import deploy
from engine.users.models import User
from engine.users.service import create_user

DIAGRAM = Path(__file__).resolve().parent / "data" / "underretning_boern.bpmn"
PASSWORD = "korrekt-hest-batteri-1"  # noqa: S105 - a test password
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def deploy_test_diagram(session: Session) -> None:
    """Deploy the scenario's diagram (process key underretning_boern)."""
    deploy(session, DIAGRAM.read_bytes(), actor=None, filename=DIAGRAM.name, comment="ui test")


def make_user(session: Session, username: str, *groups: str) -> User:
    """A user with the test password."""
    return create_user(session, username, f"{username}@example.invalid", list(groups), PASSWORD)


def open_notification(session: Session, actor: User, hours_ago: float = 2) -> object:
    """Open a children's notification received `hours_ago`; returns engine OpenedCase."""
    received = (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat()
    return open_case(session, "underretning_boern", {"received_at": received, "source": "school"}, actor)


def csrf_token(client: FlaskClient, path: str = "/log-ind") -> str:
    """The CSRF token of the session, read from a page's form."""
    match = _TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD):
    """Sign in through the form; returns the response (a redirect on success)."""
    token = csrf_token(client)
    return client.post("/log-ind", data={"username": username, "password": password, "csrf_token": token})


def post(client: FlaskClient, path: str, data: dict | None = None, **kwargs):
    """POST a form with the session's CSRF token."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, "/profil")}, **kwargs)


def text(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)
