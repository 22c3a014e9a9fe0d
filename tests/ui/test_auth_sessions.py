"""Sessions end: sign-out, a new password, deactivation and revoking all tokens end every session of the
user, also a saved copy of the cookie; an idle timeout and an absolute lifetime bound each session."""

from __future__ import annotations

import pytest

from engine.users.accounts import revoke_tokens, update_account
from engine.users.service import create_token, set_password
from tests.ui.helpers import login, make_user, post
from webui.ui import sessions

COOKIE = "casepath_session"


@pytest.fixture
def anna(db_session):
    make_user(db_session, "root1", "admin")  # update_account keeps one active administrator
    return make_user(db_session, "anna1", "modtagerteam")


def signed_in(client) -> bool:
    return client.get("/profil").status_code == 200


def saved_cookie(client) -> str:
    return client.get_cookie(COOKIE).value


def test_a_cookie_saved_before_signing_out_no_longer_works(client, anna):
    login(client, "anna1")
    saved = saved_cookie(client)
    assert post(client, "/log-ud").status_code == 302 and not signed_in(client)
    client.set_cookie(COOKIE, saved)  # someone kept a copy
    page = client.get("/profil")
    assert page.status_code == 302 and page.headers["Location"].startswith("/log-ind")


def test_signing_out_ends_the_users_other_sessions_too(app, anna):
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, "anna1")
    login(phone, "anna1")
    post(laptop, "/log-ud")
    assert not signed_in(phone)
    assert login(phone, "anna1").status_code == 302 and signed_in(phone)  # signing in again works


@pytest.mark.parametrize("end", ["new password", "all tokens revoked", "deactivated"])
def test_operator_actions_end_every_session_of_the_user(client, db_session, anna, end):
    login(client, "anna1")
    saved = saved_cookie(client)
    if end == "new password":
        set_password(db_session, "anna1", "en helt ny lang sætning")  # what `users set-password` does
    elif end == "all tokens revoked":
        create_token(db_session, "anna1")
        revoke_tokens(db_session, anna)  # `tokens revoke --all`, the admin page, the API
    else:
        update_account(db_session, anna, active=False)
        update_account(db_session, anna, active=True)  # activating again does not revive the session
    assert not signed_in(client)
    client.set_cookie(COOKIE, saved)
    assert not signed_in(client)


def test_revoking_one_token_leaves_the_session(client, db_session, anna):
    login(client, "anna1")
    token = create_token(db_session, "anna1")
    revoke_tokens(db_session, anna, token[:10])
    assert signed_in(client)


def test_the_idle_timeout_ends_a_session_without_requests(app, client, anna):
    idle, _lifetime = lifetimes(app)
    login(client, "anna1")
    with client.session_transaction() as stored:
        stored[sessions.SEEN] -= int(idle.total_seconds()) - 60  # a minute before the timeout
    assert signed_in(client)  # and this request counts as activity
    with client.session_transaction() as stored:
        assert stored[sessions.SEEN] >= stored[sessions.SIGNED_IN]
        stored[sessions.SEEN] -= int(idle.total_seconds()) + 1
    assert not signed_in(client)


def test_the_absolute_lifetime_ends_even_an_active_session(app, client, anna):
    _idle, lifetime = lifetimes(app)
    login(client, "anna1")
    with client.session_transaction() as stored:
        stored[sessions.SIGNED_IN] -= int(lifetime.total_seconds()) - 60
    assert signed_in(client)
    with client.session_transaction() as stored:
        stored[sessions.SIGNED_IN] -= 61
    assert not signed_in(client)  # a request every minute would not have kept it alive


def test_a_session_without_the_stamps_is_not_accepted(client, anna):
    login(client, "anna1")
    with client.session_transaction() as stored:
        del stored[sessions.EPOCH]  # e.g. a cookie from before the stamps existed
    assert not signed_in(client)
    with client.session_transaction() as stored:
        assert "_user_id" not in stored  # forgotten, so the sign-in page is offered


def test_the_cookie_expires_with_the_idle_timeout_and_the_defaults_are_documented(app, client, anna):
    idle, lifetime = lifetimes(app)
    assert (idle.total_seconds(), lifetime.total_seconds()) == (120 * 60, 12 * 3600)
    assert app.permanent_session_lifetime == idle
    cookie = login(client, "anna1").headers["Set-Cookie"]
    assert "Expires=" in cookie


def lifetimes(app):
    with app.test_request_context():
        return sessions.lifetimes()
