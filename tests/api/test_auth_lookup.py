"""The API's one-statement token check (webui.api.auth.user_by_token) answers as the users service's
user_for_token does, for every kind of token, and writes the last use as rarely."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from engine.users.models import ApiToken, User
from engine.users.service import create_token, create_user, user_for_token
from webui.api.auth import user_by_token

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


@pytest.fixture
def tokens(db_session):
    create_user(db_session, "anna", "anna@example.invalid", ["modtagerteam", "teamleder"])
    create_user(db_session, "gone", "gone@example.invalid", ["modtagerteam"])
    made = {"valid": create_token(db_session, "anna"), "revoked": create_token(db_session, "anna"),
            "expired": create_token(db_session, "anna", expires_in_days=1, clock=lambda: NOW - timedelta(days=2)),
            "inactive": create_token(db_session, "gone")}
    db_session.execute(update(ApiToken).where(ApiToken.prefix == made["revoked"][:10]).values(revoked_at=NOW))
    db_session.execute(update(User).where(User.username == "gone").values(active=False))
    db_session.commit()
    made.update(unknown="cp_" + "x" * 43, foreign="not-a-token", long="cp_" + "x" * 300)
    return made


@pytest.mark.parametrize("kind", ["valid", "revoked", "expired", "inactive", "unknown", "foreign", "long"])
def test_the_same_user_or_none(db_session, tokens, kind):
    expected = user_for_token(db_session, tokens[kind], NOW)
    db_session.expunge_all()
    got = user_by_token(db_session, tokens[kind], NOW)
    if expected is None:
        assert got is None
        return
    assert (got.id, got.username, got.active, got.group_keys) == (expected.id, expected.username, expected.active,
                                                                  expected.group_keys)


def test_the_last_use_is_written_once_a_minute(db_session, tokens):
    def last_used():
        return db_session.scalar(select(ApiToken.last_used_at).where(ApiToken.prefix == tokens["valid"][:10]))

    user_by_token(db_session, tokens["valid"], NOW)
    assert last_used() == NOW
    db_session.expunge_all()
    user_by_token(db_session, tokens["valid"], NOW + timedelta(seconds=59))
    assert last_used() == NOW
    db_session.expunge_all()
    user_by_token(db_session, tokens["valid"], NOW + timedelta(minutes=1))
    assert last_used() == NOW + timedelta(minutes=1)


def test_the_user_is_a_loaded_object_of_the_session(db_session, tokens):
    user = user_by_token(db_session, tokens["valid"], NOW)
    assert user in db_session and not db_session.dirty and not db_session.new
    user.full_name = "Anna Hansen"  # views may change it, as a loaded object
    db_session.commit()
    db_session.expunge_all()
    assert db_session.scalar(select(User.full_name).where(User.username == "anna")) == "Anna Hansen"



PREPARE = """
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.users.service import create_token, create_user
engine = make_engine("{url}")
upgrade(engine)
with make_session_factory(engine)() as session:
    create_user(session, "first", "first@example.invalid", ["modtagerteam"])
    print(create_token(session, "first"))
"""
FIRST_REQUEST = """
from engine.config import Settings
from engine.users.models import User
from webui import create_app
app = create_app(Settings.from_env({{"CASEPATH_ENV": "testing", "DATABASE_URL": "{url}"}}))
assert not User.__mapper__.configured, "the mappers are configured already: this would prove nothing"
answer = app.test_client().get("/api/v1/me", headers={{"Authorization": "Bearer {token}"}})
print(answer.status_code, answer.get_json().get("username"))
"""


def test_a_fresh_process_answers_its_first_api_request(tmp_path):
    # A new web process (a gunicorn worker) may get an API request before any query configured the
    # ORM mappers; the token's user is built as loaded all the same.
    import subprocess
    import sys
    from pathlib import Path

    root, url = Path(__file__).resolve().parents[2], f"sqlite:///{tmp_path}/fresh.db"
    prepared = subprocess.run([sys.executable, "-c", PREPARE.format(url=url)], cwd=root, capture_output=True,
                              text=True, check=True)
    token = prepared.stdout.strip().splitlines()[-1]
    first = subprocess.run([sys.executable, "-c", FIRST_REQUEST.format(url=url, token=token)], cwd=root,
                           capture_output=True, text=True)
    assert first.stdout.strip() == "200 first", first.stderr[-2000:]
