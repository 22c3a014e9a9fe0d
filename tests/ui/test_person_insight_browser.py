"""In Chromium: an administrator answers a request for insight by CPR number on a printable Danish page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from engine.cases.access import log_access
from engine.cases.service import open_case
from engine.persons import links, service
from engine.process_models.service import deploy
from tests.api.helpers import DATA
from tests.ui.conftest import LiveServer, create_users, run_axe, screenshot, serve
from tests.ui.test_browser import login

expect = pytest.importorskip("playwright.sync_api").expect
NOW = datetime.fromisoformat("2026-12-01T10:00:00+01:00")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    def setup(session) -> None:
        users = create_users(session, {"admin1": ["admin"], "lene": ["teamleder"], "rita": ["modtagerteam"],
                                       "olga": ["raadgiver-boern"]})
        deploy(session, (DATA / "review.bpmn").read_bytes(), actor=users["lene"])
        case = open_case(session, "review", {}, users["lene"], clock=lambda: NOW).case
        aisha = service.create_person(session, users["lene"], {"name": "Aisha", "cpr": "010203-4234"}, NOW)
        links.link_person(session, case.id, aisha.id, users["lene"], NOW, role="subject")
        for name, purpose in (("lene", "supervision"), ("rita", "task"), ("olga", "case_work")):
            log_access(session, case.id, users[name], "read_case", "ui", purpose)
        service.lookup(session, "0102034234", "Henvendelse fra skolen", users["olga"], NOW)

    with serve(tmp_path_factory.mktemp("insight"), setup) as (url, settings, _):
        yield LiveServer(url, settings)


def test_an_administrator_prints_who_read_a_persons_cases(page, live_server):
    login(page, "admin1")
    page.goto("/admin/personer")
    page.get_by_label("CPR-nummer").fill("320203-4234")
    page.get_by_role("button", name="Vis loggen").click()
    expect(page.get_by_role("alert")).to_contain_text("gyldig dato")
    assert "320203" not in page.url
    page.get_by_label("CPR-nummer").fill("010203-4234")
    page.get_by_role("button", name="Vis loggen").click()
    expect(page.get_by_role("heading", level=1, name="Hvem har set oplysninger om dig")).to_be_visible()
    assert "010203" not in page.url
    table = page.get_by_role("table")
    for name in ("lene", "rita", "olga"):
        expect(table).to_contain_text(name)
    expect(table).to_contain_text("Søgte på CPR-nummeret")
    expect(table).to_contain_text("Henvendelse fra skolen")
    screenshot(page, "person-insight")
    assert run_axe(page, "person-insight") == []
    # The refused number's page answers 422 (Chromium logs that status); nothing else went wrong.
    assert [p for p in live_server.problems if "status of 422" not in p] == []
