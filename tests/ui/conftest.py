"""Fixtures for the browser tests: the real app on 127.0.0.1 against a fresh SQLite database, and
Debian's Chromium driven by Playwright (never a downloaded browser).

test_browser.py's scenario runs on DIAGRAM, a small children's procedure with Camunda form fields
that exercises every UI feature quickly; test_shipped_browser.py runs the shipped workflows/ with
their form-js forms, and test_modeler_browser.py edits them.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.process_models.service import deploy
from engine.users.service import create_user
from webui import create_app

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ARTIFACTS = REPO / "test-artifacts"
DIAGRAM = HERE / "data" / "underretning_boern.bpmn"
FORMS: dict[str, Path] = {}  # form key → .form file deployed with DIAGRAM (form-js diagrams)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PASSWORD = "korrekt-hest-batteri-1"  # noqa: S105 - a test password
USERS = {
    "modtager": ["modtagerteam"],
    "teamleder": ["teamleder"],
    "raadgiver": ["raadgiver-boern"],
    "raadgiver2": ["raadgiver-boern"],
}
AXE_BLOCKING = ("serious", "critical")


@dataclass
class LiveServer:
    """The running app."""

    url: str
    settings: Settings
    problems: list[str] = field(default_factory=list)


@contextmanager
def serve(tmp: Path, setup: Callable[[Session], Any]) -> Iterator[tuple[str, Settings, Any]]:
    """The real app (werkzeug, threaded) on a free port over a fresh SQLite database that `setup`
    filled; yields (url, settings, what setup returned)."""
    url = f"sqlite:///{tmp / 'ui.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        prepared = setup(session)
    settings = Settings.from_env({"CASEPATH_ENV": "testing", "DATABASE_URL": url,
                                  "CASEPATH_INSTANCE_PATH": str(tmp / "instance")})
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="ui-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", settings, prepared
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["casepath.engine"].dispose()
        engine.dispose()


def create_users(session: Session, users: dict[str, list[str]]) -> dict[str, Any]:
    """The test users, with the test password."""
    return {name: create_user(session, name, f"{name}@example.invalid", groups, PASSWORD)
            for name, groups in users.items()}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app with users and the scenario's diagram."""
    def setup(session: Session) -> None:
        create_users(session, USERS)
        forms = {key: path.read_bytes() for key, path in FORMS.items()}
        deploy(session, DIAGRAM.read_bytes(), actor=None, filename=DIAGRAM.name, comment="ui test",
               **({"forms": forms} if forms else {}))

    with serve(tmp_path_factory.mktemp("ui"), setup) as (url, settings, _):
        yield LiveServer(url, settings)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip("Chromium is not installed at /usr/bin/chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server: LiveServer) -> Iterator[object]:
    """A fresh browser context and page; console errors (CSP violations included) are collected."""
    context = browser.new_context(base_url=live_server.url, locale="da-DK", timezone_id="Europe/Copenhagen",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("console", lambda msg: live_server.problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: live_server.problems.append(str(exc)))
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot to test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"ui-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def run_axe(page, name: str) -> list[dict]:
    """Run axe-core (vendored, served by the app so the CSP allows it); return blocking violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
    }""")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(violations, indent=2, ensure_ascii=False))
    return [v for v in violations if v["impact"] in AXE_BLOCKING]
