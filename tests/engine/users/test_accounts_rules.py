"""User names, group keys and passwords are checked the same way wherever accounts are made."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from engine.users.accounts import update_account
from engine.users.passwords import WeakPassword
from engine.users.service import check_password, create_user, set_password


@pytest.mark.parametrize("username", ["anna jensen", " ", "anna!", "a\tb", "x" * 65, ""])
def test_malformed_user_names_are_refused(db_session, username):
    with pytest.raises(InvalidInput):
        create_user(db_session, username, "a@example.invalid", ["modtagerteam"])


@pytest.mark.parametrize("username", ["anna", "søren.k", "AB12", "anna@kommune.dk", "u_1-2"])
def test_ordinary_user_names_are_accepted(db_session, username):
    assert create_user(db_session, username, "a@example.invalid", ["modtagerteam"]).username == username


@pytest.mark.parametrize("group", ["Bad Group!", "Modtagerteam", "rådgiver", "-x", "a" * 65])
def test_create_refuses_group_keys_that_update_also_refuses(db_session, group):
    with pytest.raises(InvalidInput, match="not a group key"):
        create_user(db_session, "anna", "a@example.invalid", [group])
    user = create_user(db_session, "anna", "a@example.invalid", ["modtagerteam"])
    with pytest.raises(InvalidInput, match="not a group key"):
        update_account(db_session, user, add=[group])


def test_create_and_set_password_keep_the_password_rule(db_session):
    with pytest.raises(WeakPassword):
        create_user(db_session, "root", "root@example.invalid", ["admin"], " ")
    user = create_user(db_session, "root", "root@example.invalid", ["admin"], "et-langt-kodeord")
    for weak in (" ", "Password1234", "root-root-root-1"):
        with pytest.raises(WeakPassword):
            set_password(db_session, "root", weak)
    assert check_password(user, "et-langt-kodeord")
    set_password(db_session, "root", "en anden lang sætning")
    assert check_password(user, "en anden lang sætning") and not check_password(user, "et-langt-kodeord")


def test_a_user_made_without_a_password_cannot_sign_in(db_session):
    user = create_user(db_session, "anna", "a@example.invalid", ["modtagerteam"])
    assert user.password_hash is None and not check_password(user, "")
