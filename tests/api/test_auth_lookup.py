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
