"""What a newcomer meets: deploy without surprises, a second demo that leaves the first alone, mail
readable without a server, and the README's API example working as pasted."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default as email_policy

import pytest

from engine.cases.service import open_case
from engine.db import make_session_factory
from engine.process_models.service import deploy
from engine.users.service import create_user
from tests.cli.test_cli import CASEPATH, DATA, REPO, _demo_passwords, _password_works, cp, env  # noqa: F401
from tests.conftest import create_database
from tests.engine.notifications.world import diagram


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_deploy_looks_into_subfolders_only_when_asked(env, tmp_path):  # noqa: F811
    cp(env, "db", "upgrade")
    top = tmp_path / "models"
    (top / "old").mkdir(parents=True)
    (top / "review.bpmn").write_bytes((DATA / "review.bpmn").read_bytes())
    (top / "old" / "three.bpmn").write_bytes((DATA / "three_tasks.bpmn").read_bytes())
    shallow = cp(env, "deploy", str(top)).stdout
    assert "deployed review version 1" in shallow and "three_tasks" not in shallow
    deep = cp(env, "deploy", str(top), "--recursive").stdout
    assert "unchanged review version 1" in deep and "deployed three_tasks version 1" in deep

    empty = tmp_path / "empty"
    (empty / "sub").mkdir(parents=True)
    (empty / "sub" / "x.bpmn").write_bytes((DATA / "review.bpmn").read_bytes())
    nothing = cp(env, "deploy", str(empty), check=False)
    assert nothing.returncode == 1 and "no .bpmn files" in nothing.stderr and "--recursive" in nothing.stderr
    (empty / "sub" / "x.bpmn").unlink()
    still = cp(env, "deploy", "-r", str(empty), check=False)
    assert still.returncode == 1 and "no .bpmn files" in still.stderr


def test_a_second_demo_on_a_busy_port_changes_nothing(env):  # noqa: F811
    first = _demo_passwords(cp(env, "demo", "--no-run").stdout)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        second = cp(env, "demo", "--port", str(port), check=False)
    assert second.returncode == 1 and "in use" in second.stderr and "--port" in second.stderr
    assert "password" not in second.stdout
    assert _password_works(env, "modtager", first["modtager"])


def test_development_mail_goes_to_files(tmp_path):
    db = create_database("sqlite", tmp_path, "mail")
    opened = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
    with make_session_factory(db.engine)() as session:
        lead = create_user(session, "lene", "lene@kommune.example", ["teamleder"])
        create_user(session, "member0", "member0@kommune.example", ["modtagerteam"])
        deploy(session, diagram("kvittering", first_due="due", second_due=""), actor=lead)
        open_case(session, "kvittering", {"due": "2026-12-02T00:00:00+01:00"}, lead, clock=lambda: opened)
    folder = tmp_path / "mail"
    run_env = {**os.environ, "CASEPATH_ENV": "development", "CASEPATH_TESTING": "1", "DATABASE_URL": db.url,
               "CASEPATH_MAIL_FOLDER": str(folder)}
    result = subprocess.run([CASEPATH, "worker", "--once", "--now", "2026-11-30T00:00:00+01:00"], env=run_env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "sent 1 mails" in result.stdout
    [mail] = folder.glob("*.eml")
    message = message_from_bytes(mail.read_bytes(), policy=email_policy)
    assert message["To"] == "member0@kommune.example"
    assert mail.name.startswith("20261129-230000-")  # named after the Date header, in UTC


@pytest.mark.skipif(shutil.which("curl") is None, reason="the README example uses curl")
def test_the_readme_api_example_works_as_pasted_while_the_demo_runs(tmp_path):
    """README command (1) in a fresh folder, then the example in a second shell, in the same folder."""
    (tmp_path / ".venv").symlink_to(REPO / ".venv")
    port = free_port()
    demo_env = {key: value for key, value in os.environ.items()
                if not key.startswith(("CASEPATH_", "SMTP_")) and key not in {"DATABASE_URL", "SECRET_KEY"}}
    demo = subprocess.Popen([".venv/bin/casepath", "demo", "--port", str(port)], cwd=tmp_path, text=True,
                            env={**demo_env, "CASEPATH_ENV": "development"}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        _wait_for(port)
        example = _readme_example().replace("127.0.0.1:5000", f"127.0.0.1:{port}")
        result = subprocess.run(["bash", "-c", example], cwd=tmp_path, env=demo_env, capture_output=True,
                                text=True, timeout=120)
    finally:
        demo.terminate()
        output, _ = demo.communicate(timeout=20)
    assert result.returncode == 0, result.stderr
    case = json.loads(result.stdout)
    assert case["reference"] and case["tasks"], case
    due = [datetime.fromisoformat(task["due_at"]) for task in case["tasks"] if task.get("due_at")]
    assert due and min(due) > datetime.now(UTC), case  # received now: not overdue the moment it opens
    mail_folder = tmp_path / "instance" / "mail"
    assert f"written to {mail_folder}" in output


def _readme_example() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    after = readme.split("Example, while the demo (command 1) runs", 1)[1]
    return re.search(r"```sh\n(.*?)```", after, re.DOTALL).group(1)


def _wait_for(port: int) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/log-ind", timeout=5):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("casepath demo did not serve the app")


def test_readme_and_dockerfile_name_the_cli_package():
    assert "`cli.py`" not in (REPO / "README.md").read_text(encoding="utf-8")
    assert "webui/cli.py" not in (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert (REPO / "webui" / "cli" / "__init__.py").is_file()
    compose = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
    assert re.search(r"image: axllent/mailpit:v\d+\.\d+", compose)
