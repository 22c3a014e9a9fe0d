""""Akut fare" and "Ny risikovurdering" on the case page, in a real browser, on the shipped procedure.

The case's owner reports acute danger from the case page (a too short reason first: the form comes back
open with its Danish message); the acute tasks appear at once in the case's task list; then a new risk
assessment. The page passes axe. Screenshots: test-artifacts/ui-case-actions-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

import tests.ui.test_browser as flows
from engine.cases.service import open_case
from engine.tasks.service import claim, complete
from tests.ui.conftest import LiveServer, create_users, screenshot, serve
from tests.ui.test_modeler_browser import deploy_workflows

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect
USERS = {"modtager": ["modtagerteam"], "teamleder": ["teamleder"], "raadgiver": ["raadgiver-boern"]}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The shipped procedure with one forwarded, assigned case; `case_id` as the server's extra."""
    def setup(session) -> str:
        users = create_users(session, USERS)
        deploy_workflows(session)
        received = datetime.now(UTC) - timedelta(hours=3)
        opened = open_case(session, "underretning_boern", {"received_at": received.isoformat(), "source": "parent",
                                                           "professional_notifier": False}, users["modtager"])
        assess = next(t for t in opened.tasks if t.bpmn_id == "Task_vurdering_24t")
        claim(session, assess.id, users["modtager"])
        ready = complete(session, assess.id, {"assessment_decision": "forward",
                                              "danger_assessment": "Ingen akut fare lige nu"}, users["modtager"])
        assign = next(t for t in ready if t.bpmn_id == "Task_fordel_sag")
        claim(session, assign.id, users["teamleder"])
        complete(session, assign.id, {"assigned_caseworker": "raadgiver", "conflict_of_interest": "none"},
                 users["teamleder"])
        return str(opened.case.id)

    with serve(tmp_path_factory.mktemp("case-actions"), setup) as (url, settings, case_id):
        server = LiveServer(url, settings)
        server.case_id = case_id  # type: ignore[attr-defined]
        yield server


def test_the_owner_reports_acute_danger_and_starts_a_new_risk_assessment(page, live_server):
    flows.login(page, "raadgiver")
    page.goto(f"/sager/{live_server.case_id}")
    page.locator("#handlinger summary", has_text="Akut fare").click()
    page.get_by_label("Hvad er sket? (begrundelse)").fill("Fare")
    page.get_by_role("button", name="Meld akut fare").click()
    expect(page.locator("#acute-reason-error")).to_have_text("Skriv en begrundelse på 10 til 2000 tegn.")
    page.get_by_label("Hvad er sket? (begrundelse)").fill("Pigen ringede: hun tør ikke gå hjem i dag")
    screenshot(page, "case-actions-1-acute-form")
    page.get_by_role("button", name="Meld akut fare").click()
    expect(page.get_by_role("status")).to_contain_text("Akut fare er meldt")
    tasks = page.locator("section[aria-labelledby=tasks-title]")
    for name in ("Handl på den akutte fare", "Inddrag sikkerhedskonsulenten nu", "Kontakt politiet nu"):
        expect(tasks.get_by_role("link", name=name)).to_be_visible()
    screenshot(page, "case-actions-2-acute-tasks")
    flows.assert_accessible(page, "case-actions")

    page.locator("#handlinger summary", has_text="Ny risikovurdering").click()
    page.get_by_label("Hvad har ændret sig? (begrundelse)").fill("Faren har truet hende på skolen")
    page.get_by_role("button", name="Start ny risikovurdering").click()
    expect(page.get_by_role("status")).to_contain_text("En ny risikovurdering er startet.")
    expect(tasks.get_by_role("link", name="Forbered risikovurderingen")).to_be_visible()
    assert [p for p in live_server.problems if "Content Security Policy" in p] == []
