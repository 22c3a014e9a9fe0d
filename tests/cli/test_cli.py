"""The `casepath` console script, run as operators run it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
CASEPATH = str(Path(sys.executable).parent / "casepath")


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "CASEPATH_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "CASEPATH_INSTANCE_PATH": str(tmp_path)}


def cp(env, *args, stdin: str | None = None, check: bool = True):
    result = subprocess.run([CASEPATH, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def _api(port: int, path: str, token: str, data: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


def test_operator_workflow(env, tmp_path):
    cp(env, "db", "upgrade")
    created = cp(env, "users", "create", "lead", "--email", "lead@example.invalid", "--group", "teamleder",
                 "--group", "admin", "--password-stdin", stdin="hemmeligt-kodeord\n")
    assert "teamleder" in created.stdout
    duplicate = cp(env, "users", "create", "lead", "--email", "x@example.invalid", "--group", "admin", check=False)
    assert duplicate.returncode != 0 and "already exists" in duplicate.stderr
    token = cp(env, "tokens", "create", "lead").stdout.strip().splitlines()[-1]
    assert token.startswith("cp_")
    assert cp(env, "tokens", "create", "ghost", check=False).returncode != 0

    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "three.bpmn").write_bytes((DATA / "three_tasks.bpmn").read_bytes())
    out = cp(env, "deploy", str(DATA / "review.bpmn"), str(folder), "--comment", "første").stdout
    assert "deployed review version 1" in out and "deployed three_tasks version 1" in out
    assert "unchanged review version 1" in cp(env, "deploy", str(DATA / "review.bpmn")).stdout

    bad = tmp_path / "bad.bpmn"
    bad.write_bytes((DATA / "review.bpmn").read_bytes().replace(b"amount &gt; 10", b"open('/etc/passwd')"))
    refused = cp(env, "deploy", str(bad), check=False)
    assert refused.returncode == 1 and "f_large" in refused.stderr
    assert cp(env, "deploy", str(tmp_path / "missing.bpmn"), check=False).returncode != 0

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([CASEPATH, "run", "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                status, body = _api(port, "/api/v1/process-models", token)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("casepath run did not answer")
        assert status == 200 and b"three_tasks" in body
        status, body = _api(port, "/api/v1/cases", token, b'{"process_key": "three_tasks"}')
        assert status == 201
        assert json.loads(body)["tasks"][0]["name"] == "Første"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_secret_key_required_in_production(tmp_path):
    env = {**os.environ, "CASEPATH_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    env.pop("SECRET_KEY", None)
    result = cp(env, "db", "upgrade", check=False)
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_demo_sets_up_users_and_workflows(env):
    result = cp(env, "demo", "--no-run")
    for username in ("modtager", "teamleder", "raadgiver-boern", "raadgiver-voksen", "vidensperson", "admin"):
        assert username in result.stdout
    assert "password" in result.stdout
    assert "deployed underretning_boern version 1" in result.stdout
    # Run again: every demo user gets a new password, printed, and the old one stops working.
    first = _demo_passwords(result.stdout)
    again = _demo_passwords(cp(env, "demo", "--no-run").stdout)
    assert set(again) == set(first) and all(again[name] != first[name] for name in first)
    assert _password_works(env, "modtager", again["modtager"])
    assert not _password_works(env, "modtager", first["modtager"])


def _demo_passwords(output: str) -> dict[str, str]:
    words = [line.split() for line in output.splitlines() if " password " in line]
    return {w[0]: w[w.index("password") + 1] for w in words}


def _in_database(env, read):
    """`read(session)` on the CLI's database, as the operator's commands left it."""
    from engine.db import make_engine, make_session_factory

    engine = make_engine(env["DATABASE_URL"])
    try:
        with make_session_factory(engine)() as session:
            return read(session)
    finally:
        engine.dispose()


def _password_works(env, username: str, password: str) -> bool:
    from engine.users.service import check_password, get_user

    return _in_database(env, lambda session: check_password(get_user(session, username), password))


def test_an_operator_sets_a_new_password(env):
    cp(env, "db", "upgrade")
    cp(env, "users", "create", "anna", "--email", "anna@example.invalid", "--group", "modtagerteam")
    assert not _password_works(env, "anna", "nyt-langt-kodeord-1")
    cp(env, "users", "set-password", "anna", "--password-stdin", stdin="nyt-langt-kodeord-1\n")
    assert _password_works(env, "anna", "nyt-langt-kodeord-1")
    generated = cp(env, "users", "set-password", "anna").stdout.strip().splitlines()[-1]
    assert _password_works(env, "anna", generated) and not _password_works(env, "anna", "nyt-langt-kodeord-1")
    missing = cp(env, "users", "set-password", "ghost", "--password-stdin", stdin="x\n", check=False)
    assert missing.returncode != 0 and "ghost" in missing.stderr
    empty = cp(env, "users", "set-password", "anna", "--password-stdin", stdin="\n", check=False)
    assert empty.returncode != 0


def test_demo_serves_the_app_as_the_readme_says(env):
    """README command (1): `casepath demo` sets up and then serves; log in with a printed password."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([CASEPATH, "demo", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/log-ind", timeout=5) as response:
                    assert response.status == 200
                    assert "Log ind" in response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("casepath demo did not serve the app")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert "modtager" in output and "password" in output


def _token_works(env, token: str) -> bool:
    from engine.users.service import user_for_token

    return _in_database(env, lambda session: user_for_token(session, token) is not None)


def test_an_operator_handles_a_leaver_and_a_leaked_token(env):
    cp(env, "db", "upgrade")
    cp(env, "users", "create", "root", "--email", "root@example.invalid", "--group", "admin")
    cp(env, "users", "create", "anna", "--email", "anna@example.invalid", "--group", "modtagerteam")
    first = cp(env, "tokens", "create", "anna").stdout.strip().splitlines()[-1]
    second = cp(env, "tokens", "create", "anna").stdout.strip().splitlines()[-1]

    listed = cp(env, "tokens", "list", "anna").stdout
    assert first[:10] in listed and second[:10] in listed and first not in listed
    assert cp(env, "tokens", "revoke", "anna", check=False).returncode == 2  # neither a prefix nor --all
    assert cp(env, "tokens", "revoke", "anna", "cp_zzzzzzz", check=False).returncode == 1
    assert "revoked 1 tokens" in cp(env, "tokens", "revoke", "anna", first[:10]).stdout
    assert not _token_works(env, first) and _token_works(env, second)
    assert "revoked" in cp(env, "tokens", "list", "anna").stdout

    moved = cp(env, "users", "groups", "anna", "--add", "raadgiver-voksen", "--remove", "modtagerteam").stdout
    assert "anna is in raadgiver-voksen" in moved
    assert cp(env, "users", "groups", "anna", check=False).returncode == 2
    malformed = cp(env, "users", "groups", "anna", "--add", "Rådgiver voksen", check=False)
    assert malformed.returncode == 1 and "not a group key" in malformed.stderr
    assert "held tasks" in cp(env, "users", "deactivate", "anna").stdout
    assert not _token_works(env, second)
    lines = {line.split()[0]: line.split()[1:] for line in cp(env, "users", "list").stdout.splitlines()}
    assert lines["anna"] == ["deactivated", "raadgiver-voksen"] and lines["root"] == ["active", "admin"]
    cp(env, "users", "activate", "anna")
    assert _token_works(env, second)

    last = cp(env, "users", "deactivate", "root", check=False)
    assert last.returncode == 1 and "last active administrator" in last.stderr
    assert cp(env, "users", "deactivate", "ghost", check=False).returncode == 1
