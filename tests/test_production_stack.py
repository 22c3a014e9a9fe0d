"""The production set-up without Docker: docker-compose's own migrate and web commands (gunicorn with
several worker processes) on a real PostgreSQL, driven over real HTTP.

What several processes must share through the database: the case lock (of simultaneous completions
exactly one wins, whichever process serves it), sign-in limits and signed-in sessions.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests import pgserver
from tests.conftest import require_postgres
from tests.engine.notifications.mailserver import free_port
from tests.test_compose import _command

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _compose_command(service: str, port: int) -> list[str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    command = _command(compose["services"][service])
    command[0] = str(BIN / command[0])
    return [f"127.0.0.1:{port}" if part.startswith("0.0.0.0:") else part for part in command]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    server = require_postgres()
    name = f"cp_stack_{uuid.uuid4().hex[:8]}"
    url = pgserver.create_database(server, name)
    port = free_port()
    env = {**os.environ, "CASEPATH_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": uuid.uuid4().hex,
           "CASEPATH_DATA_KEY": uuid.uuid4().hex,
           "CASEPATH_INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")), "SMTP_PORT": str(free_port()),
           "CASEPATH_TRUSTED_PROXIES": "1"}
    subprocess.run(_compose_command("migrate", port), env=env, check=True, capture_output=True, timeout=120)
    for user, group in (("lead", "teamleder"), ("anna", "modtagerteam")):
        subprocess.run([str(BIN / "casepath"), "users", "create", user, "--email", f"{user}@example.invalid",
                        "--group", group, "--group", "modtagerteam", "--password-stdin"],
                       input="et-langt-kodeord\n", env=env, check=True, capture_output=True, text=True)
    token = subprocess.run([str(BIN / "casepath"), "tokens", "create", "lead"], env=env, check=True,
                           capture_output=True, text=True).stdout.strip().splitlines()[-1]
    web = subprocess.Popen(_compose_command("web", port), env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/log-ind", timeout=5).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not serve the app")
        yield base, {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, web.pid
    finally:
        web.terminate()
        output, _ = web.communicate(timeout=30)
        pgserver.drop_database(server, name)
    assert "Traceback" not in output, output


def _call(url: str, headers: dict[str, str], body: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_the_web_command_runs_several_worker_processes(stack):
    *_rest, arbiter = stack
    children = Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split()
    assert len(children) == 3, children  # docker-compose asks for 3 workers


def test_of_simultaneous_completions_across_processes_exactly_one_wins(stack):
    import json

    base, headers, _pid = stack
    diagram = (ROOT / "tests" / "data" / "review.bpmn").read_bytes()
    status, _ = _call(f"{base}/api/v1/process-models", {**headers, "Content-Type": "application/xml"}, diagram)
    assert status in (200, 201)
    for _round in range(4):
        status, body = _call(f"{base}/api/v1/cases", headers, json.dumps({"process_key": "review"}).encode())
        assert status == 201, body
        case_id, task_id = json.loads(body)["id"], json.loads(body)["tasks"][0]["id"]
        barrier = threading.Barrier(4)
        statuses: list[int] = []

        def complete(amount: int, task_id: str = task_id, barrier: threading.Barrier = barrier) -> None:
            payload = json.dumps({"data": {"amount": amount}}).encode()
            barrier.wait()
            statuses.append(_call(f"{base}/api/v1/tasks/{task_id}/complete", headers, payload)[0])

        threads = [threading.Thread(target=complete, args=(amount,)) for amount in (5, 50, 500, 5000)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(statuses) == [200, 409, 409, 409], statuses
        events = json.loads(_call(f"{base}/api/v1/cases/{case_id}/events", headers)[1])["events"]
        assert [e["kind"] for e in events].count("task_completed") == 1


class _BehindTls(http.cookiejar.DefaultCookiePolicy):
    """In production a TLS proxy sits in front, so the app's cookies are Secure; this loopback test
    plays that proxy (X-Forwarded-Proto: https) and hands the cookies back over plain HTTP."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: urllib.request.Request) -> bool:
        return True


def _browser() -> urllib.request.OpenerDirector:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar(_BehindTls())))
    opener.addheaders = [("X-Forwarded-Proto", "https")]
    return opener


def _sign_in(opener: urllib.request.OpenerDirector, base: str, username: str, password: str) -> int:
    page = opener.open(f"{base}/log-ind", timeout=30).read().decode()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": csrf}).encode()
    try:
        with opener.open(f"{base}/log-ind", data=form, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_sign_in_limits_and_sessions_hold_across_processes(stack):
    base, _headers, _pid = stack
    attacker = _browser()
    outcomes = [_sign_in(attacker, base, "anna", f"gæt-{n}") for n in range(14)]
    # Ten failures a minute per address and user name, counted by every process together.
    assert outcomes == [200] * 10 + [429] * 4, outcomes
    assert _sign_in(_browser(), base, "anna", "et-langt-kodeord") == 429  # the right one waits too

    lead = _browser()
    assert _sign_in(lead, base, "lead", "et-langt-kodeord") == 200  # redirected to the inbox
    for _request in range(12):  # new connections: spread over the workers, all see the same session
        with lead.open(f"{base}/", timeout=30) as response:
            assert response.geturl().rstrip("/") == base and "Log ind" not in response.read().decode()
