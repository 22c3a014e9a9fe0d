"""What ends a user's web sessions (the session epoch), and API tokens' expiry and last use."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from engine.errors import InvalidInput
from engine.users.accounts import list_tokens, revoke_tokens, update_account
from engine.users.service import create_token, create_user, set_password, user_for_token

T0 = datetime.fromisoformat("2026-11-23T09:00:00+01:00")


@pytest.fixture
def anna(db_session):
    create_user(db_session, "root", "root@example.invalid", ["admin"])
    return create_user(db_session, "anna", "anna@example.invalid", ["modtagerteam"], "et-langt-kodeord")


def test_password_change_deactivation_and_revoking_all_tokens_end_the_sessions(db_session, anna):
    epochs = [anna.session_epoch]
    set_password(db_session, "anna", "en ny lang sætning")
    epochs.append(anna.session_epoch)
    create_token(db_session, "anna")
    revoke_tokens(db_session, anna)
    epochs.append(anna.session_epoch)
    revoke_tokens(db_session, anna)  # nothing left to revoke: the sessions end all the same
    epochs.append(anna.session_epoch)
    update_account(db_session, anna, active=False)
    epochs.append(anna.session_epoch)
    assert epochs == [0, 1, 2, 3, 4]


def test_revoking_one_token_and_group_moves_leave_the_sessions(db_session, anna):
    token = create_token(db_session, "anna")
    revoke_tokens(db_session, anna, token[:10])
    update_account(db_session, anna, add=["raadgiver-voksen"])
    update_account(db_session, anna, active=True)
    assert anna.session_epoch == 0


def test_a_token_expires_after_its_days(db_session, anna):
    token = create_token(db_session, "anna", expires_in_days=30, clock=lambda: T0)
    assert user_for_token(db_session, token, T0 + timedelta(days=30) - timedelta(seconds=1)) is anna
    assert user_for_token(db_session, token, T0 + timedelta(days=30)) is None
    forever = create_token(db_session, "anna", clock=lambda: T0)
    assert user_for_token(db_session, forever, T0 + timedelta(days=3650)) is anna
    [newest, oldest] = list_tokens(db_session, anna)
    assert oldest.expires_at == T0 + timedelta(days=30) and newest.expires_at is None


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_expiry_is_from_one_day_to_ten_years(db_session, anna, days):
    with pytest.raises(InvalidInput):
        create_token(db_session, "anna", expires_in_days=days)


def test_the_last_use_is_recorded_to_the_minute(db_session, anna):
    token = create_token(db_session, "anna")
    assert list_tokens(db_session, anna)[0].last_used_at is None
    user_for_token(db_session, token, T0)
    user_for_token(db_session, token, T0 + timedelta(seconds=30))  # within the minute: no write
    assert list_tokens(db_session, anna)[0].last_used_at == T0
    user_for_token(db_session, token, T0 + timedelta(minutes=2))
    assert list_tokens(db_session, anna)[0].last_used_at == T0 + timedelta(minutes=2)
    user_for_token(db_session, "cp_not-a-token", T0 + timedelta(minutes=5))
    assert list_tokens(db_session, anna)[0].last_used_at == T0 + timedelta(minutes=2)
