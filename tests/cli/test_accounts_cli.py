"""`casepath users` and `casepath tokens`: the same rules for names, groups and passwords as everywhere;
token expiry and last use."""

from __future__ import annotations

import os
import re

from engine.users.service import get_user, user_for_token
from tests.cli.test_cli import _in_database, _password_works, cp, env  # noqa: F401 - env is a fixture


def test_create_refuses_what_groups_add_refuses(env):  # noqa: F811
    cp(env, "db", "upgrade")
    bad_group = cp(env, "users", "create", "anna", "--email", "a@example.invalid", "--group", "Bad Group!",
                   check=False)
    assert bad_group.returncode == 1 and "not a group key: Bad Group!" in bad_group.stderr
    spaced = cp(env, "users", "create", "anna jensen", "--email", "a@example.invalid", "--group", "modtagerteam",
                check=False)
    assert spaced.returncode == 1 and "not a user name" in spaced.stderr
    assert "anna" not in cp(env, "users", "list").stdout  # nothing was created
    cp(env, "users", "create", "anna", "--email", "a@example.invalid", "--group", "modtagerteam")
    added = cp(env, "users", "groups", "anna", "--add", "Bad Group!", check=False)
    assert added.returncode == 1 and "not a group key: Bad Group!" in added.stderr


def test_admins_get_no_weak_passwords_either(env):  # noqa: F811
    cp(env, "db", "upgrade")
    for weak, why in ((" ", "at least 12 characters"), ("Password2024!", "too common"),
                      ("root-har-ferie", "must not contain the user name")):
        refused = cp(env, "users", "create", "root", "--email", "r@example.invalid", "--group", "admin",
                     "--password-stdin", stdin=f"{weak}\n", check=False)
        assert refused.returncode == 1 and why in refused.stderr, refused.stderr
    cp(env, "users", "create", "root", "--email", "r@example.invalid", "--group", "admin", "--password-stdin",
       stdin="en lang nok sætning\n")
    short = cp(env, "users", "set-password", "root", "--password-stdin", stdin=" \n", check=False)
    assert short.returncode == 1 and "at least 12 characters" in short.stderr
    assert _password_works(env, "root", "en lang nok sætning")
    generated = cp(env, "users", "set-password", "root").stdout.strip().splitlines()[-1]
    assert len(generated) >= 12 and _password_works(env, "root", generated)


def test_set_password_ends_the_web_sessions(env):  # noqa: F811
    cp(env, "db", "upgrade")
    cp(env, "users", "create", "anna", "--email", "a@example.invalid", "--group", "modtagerteam")

    def epoch() -> int:
        return _in_database(env, lambda session: get_user(session, "anna").session_epoch)

    before = epoch()
    cp(env, "users", "set-password", "anna")
    cp(env, "tokens", "revoke", "anna", "--all")
    assert epoch() == before + 2


def test_tokens_expire_and_show_their_last_use(env):  # noqa: F811
    cp(env, "db", "upgrade")
    cp(env, "users", "create", "anna", "--email", "a@example.invalid", "--group", "modtagerteam")
    created = cp(env, "tokens", "create", "anna", "--expires-in", "30").stdout
    assert "valid for 30 days" in created
    expiring = created.strip().splitlines()[-1]
    forever = cp(env, "tokens", "create", "anna").stdout.strip().splitlines()[-1]
    for days in ("0", "3651", "x"):
        assert cp(env, "tokens", "create", "anna", "--expires-in", days, check=False).returncode == 2
    assert _in_database(env, lambda session: user_for_token(session, expiring)) is not None

    lines = {line[:10]: line for line in cp(env, "tokens", "list", "anna").stdout.splitlines()}
    assert re.search(r"issued \S+ \S+  active  expires \d{4}-\d\d-\d\d \d\d:\d\d  last used \d{4}-",
                     lines[expiring[:10]])
    assert lines[forever[:10]].endswith("active  no expiry  never used")
    cp(env, "tokens", "revoke", "anna", forever[:10])
    assert "  revoked " in cp(env, "tokens", "list", "anna").stdout


def test_production_refuses_test_switches_and_short_keys(tmp_path):
    base = {**os.environ, "CASEPATH_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
            "CASEPATH_DATA_KEY": "d" * 32}
    testing = cp({**base, "SECRET_KEY": "k" * 32, "CASEPATH_TESTING": "1"}, "db", "upgrade", check=False)
    assert testing.returncode == 1 and "CASEPATH_TESTING=1 is for tests only" in testing.stderr
    short = cp({**base, "SECRET_KEY": "too-short", "CASEPATH_TESTING": "0"}, "db", "upgrade", check=False)
    assert short.returncode == 1 and "at least 32 bytes" in short.stderr
    assert cp({**base, "SECRET_KEY": "k" * 32, "CASEPATH_TESTING": "0"}, "db", "upgrade").returncode == 0
