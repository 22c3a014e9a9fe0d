"""The container setup (Dockerfile, docker-compose.yml) refers to things that exist."""

from __future__ import annotations

import importlib
import shlex
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return data


def _command(service: dict[str, Any]) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the KEY=VALUE list form
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def test_services_exist(compose: dict[str, Any]) -> None:
    assert {"postgres", "migrate", "web", "worker", "mailpit"} <= set(compose["services"])


def test_web_runs_gunicorn_with_the_app_factory(compose: dict[str, Any]) -> None:
    command = _command(compose["services"]["web"])
    assert command[0] == "gunicorn"
    assert command[-1] == "webui:create_app()"
    assert "0.0.0.0:8000" in command
    assert any(str(port).startswith("8000:") for port in compose["services"]["web"]["ports"])


def test_worker_and_migrate_commands(compose: dict[str, Any]) -> None:
    assert _command(compose["services"]["worker"]) == ["casepath", "worker"]
    assert _command(compose["services"]["migrate"]) == ["casepath", "db", "upgrade"]


@pytest.mark.parametrize("name", ["migrate", "web", "worker"])
def test_app_services_reach_postgres_and_mailpit(compose: dict[str, Any], name: str) -> None:
    services = compose["services"]
    env = _env(services[name])
    url = urlsplit(env["DATABASE_URL"])
    assert url.scheme == "postgresql+psycopg"
    assert url.hostname == "postgres" and url.hostname in services
    assert url.path == "/" + services["postgres"]["environment"]["POSTGRES_DB"]
    assert url.username == services["postgres"]["environment"]["POSTGRES_USER"]
    assert env["SMTP_HOST"] == "mailpit" and int(env["SMTP_PORT"]) == 1025
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?")  # required, never a baked-in default
    assert "postgres" in services[name]["depends_on"] or "migrate" in services[name]["depends_on"]


def test_web_and_worker_wait_for_migrations(compose: dict[str, Any]) -> None:
    for name in ("web", "worker"):
        depends = compose["services"][name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert compose["services"]["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in str(compose["services"]["postgres"]["healthcheck"]["test"])


def test_mailpit_publishes_its_web_ui(compose: dict[str, Any]) -> None:
    ports = [str(port) for port in compose["services"]["mailpit"]["ports"]]
    assert "8025:8025" in ports


def test_commands_refer_to_existing_code() -> None:
    webui = importlib.import_module("webui")
    assert callable(getattr(webui, "create_app", None))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["casepath"] == "webui.cli:main"
    assert "postgres" in pyproject["project"]["optional-dependencies"]


def test_dockerfile_installs_the_project_and_runs_unprivileged() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") or dockerfile.lstrip().startswith("FROM")
    assert "FROM python:3.11-slim" in dockerfile
    assert "pip install" in dockerfile and ".[postgres]" in dockerfile
    assert "\nUSER " in dockerfile
    assert "webui:create_app()" in dockerfile


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for entry in (".venv", "instance", ".git", "test-artifacts"):
        assert entry in ignored
    assert any("__pycache__" in entry for entry in ignored)
