"""Administration in the browser (Debian's Chromium via Playwright, axe on each page): an administrator
adds a security consultant on /admin/katalog and the caseworker's task shows it among its contacts
(the action card's "se kataloget") until it is deactivated; a statutory deadline rule cannot be
stretched on /admin/frister, and the refusal says why in Danish. Screenshots: test-artifacts/ui-admin-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

import tests.ui.test_browser as flows
from engine.cases.service import open_case
from engine.process_models.service import deploy
from engine.tasks.models import Task
from tests.ui.conftest import LiveServer, create_users, screenshot, serve

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

USERS = {"admin": ["admin"], "raadgiver": ["raadgiver-boern"], "modtager": ["modtagerteam"]}
CONSULTANT = "Testkonsulent Hansen"
DIAGRAM = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Defs_catalogue"
                  targetNamespace="https://casepath.example/test">
  <bpmn:process id="katalog" name="Kataloget i brug" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="consultant" name="Inddrag sikkerhedskonsulenten" camunda:candidateGroups="raadgiver-boern">
      <bpmn:extensionElements><camunda:properties>
        <camunda:property name="action_card" value="Ring til sikkerhedskonsulenten i jeres region (se kataloget)." />
        <camunda:property name="directory_kind" value="security_consultant" />
      </camunda:properties></bpmn:extensionElements>
      <bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="consultant" />
    <bpmn:sequenceFlow id="f1" sourceRef="consultant" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


@dataclass
class AdminServer(LiveServer):
    """The running app and the consultant task's id."""

    task_id: str = ""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AdminServer]:
    """The app with the users, the one-task diagram and a case waiting at the task."""
    def setup(session) -> str:
        users = create_users(session, USERS)
        deploy(session, DIAGRAM, actor=None, filename="katalog.bpmn", comment="ui test")
        opened = open_case(session, "katalog", {}, users["modtager"])
        return str(session.scalars(select(Task.id).where(Task.case_id == opened.case.id)).one())

    with serve(tmp_path_factory.mktemp("admin"), setup) as (url, settings, task_id):
        yield AdminServer(url, settings, task_id=task_id)


def _caseworker(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="da-DK", timezone_id="Europe/Copenhagen")
    context.set_default_timeout(15_000)
    page = context.new_page()
    flows.login(page, "raadgiver")
    return context, page


def _contacts(page):
    return page.locator("section[aria-labelledby='directory-title']")


def test_a_directory_entry_added_in_the_page_appears_on_the_task(page, browser, live_server):
    flows.login(page, "admin")
    page.get_by_role("link", name="Katalog").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Katalog over aktører")
    flows.assert_accessible(page, "admin-directory")
    page.get_by_role("link", name="Tilføj kontakt").click()
    page.get_by_label("Type").select_option(label="Politiet")
    page.get_by_label("E-mail").fill("ikke en adresse")
    page.get_by_role("button", name="Gem kontakten").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#name-error")).to_contain_text("Skriv et navn.")
    expect(page.locator("#email-error")).to_contain_text("Skriv en e-mailadresse som navn@eksempel.dk.")
    flows.assert_accessible(page, "admin-directory-errors")
    page.get_by_label("Type").select_option(label="Sikkerhedskonsulent")
    page.get_by_label("Region").select_option("Hovedstaden")
    page.get_by_label("Navn").fill(CONSULTANT)
    page.get_by_label("Telefon").fill("12 34 56 78")
    page.get_by_label("E-mail").fill("hansen@example.dk")
    page.get_by_role("button", name="Gem kontakten").click()
    expect(page.get_by_role("status").first).to_contain_text(f"{CONSULTANT} er tilføjet til kataloget.")
    expect(page.get_by_role("row", name=CONSULTANT)).to_contain_text("Hovedstaden")
    screenshot(page, "admin-directory")

    context, caseworker = _caseworker(browser, live_server)
    caseworker.goto(f"/opgaver/{live_server.task_id}")
    expect(caseworker.get_by_text("se kataloget")).to_be_visible()
    expect(_contacts(caseworker)).to_contain_text(CONSULTANT)
    expect(_contacts(caseworker)).to_contain_text("12 34 56 78")
    flows.assert_accessible(caseworker, "admin-directory-task")
    screenshot(caseworker, "admin-directory-task")

    page.get_by_role("button", name=f"Deaktivér {CONSULTANT}").click()
    expect(page.get_by_role("status").first).to_contain_text("er deaktiveret og vises ikke længere på opgaverne")
    expect(page.get_by_role("row", name=CONSULTANT)).to_contain_text("Deaktiveret")
    caseworker.reload()
    expect(_contacts(caseworker)).not_to_contain_text(CONSULTANT)
    expect(_contacts(caseworker)).to_contain_text("Maria")  # the seeded consultant of Hovedstaden stays
    context.close()


def test_a_statutory_rule_cannot_be_stretched(page, live_server):
    flows.login(page, "admin")
    page.get_by_role("link", name="Frister").click()
    expect(page.get_by_role("row", name="assessment_24h")).to_contain_text("Lovbestemt: højst 24 timer")
    page.goto("/admin/frister/assessment_24h")
    expect(page.locator("#bounds")).to_contain_text("højst 24 timer")
    expect(page.get_by_label("Enhed").locator("option")).to_have_text(["timer"])  # the law's unit only
    page.get_by_label("Antal").fill("72")
    page.get_by_label("Begrundelse for ændringen").fill("Vi kan ikke nå det i weekenden")
    page.get_by_role("button", name="Gem fristreglen").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#amount-error")).to_contain_text(
        "Fristen kan ikke blive længere end 24 timer (BL § 136 (tidl. SEL § 155, stk. 2)). "
        "Kommunen kan gøre den kortere, ikke længere.")
    flows.assert_accessible(page, "admin-rule-stretched")
    screenshot(page, "admin-rule-stretched")
    page.get_by_label("Antal").fill("12")
    page.get_by_label("Begrundelse for ændringen").fill("")
    page.get_by_role("button", name="Gem fristreglen").click()
    expect(page.locator("#reason-error")).to_contain_text("Skriv en begrundelse for ændringen.")
    page.get_by_label("Begrundelse for ændringen").fill("Beredskabsplanen siger 12 timer")
    page.get_by_role("button", name="Gem fristreglen").click()
    expect(page.get_by_role("status").first).to_contain_text("Fristreglen assessment_24h er gemt.")
    expect(page.get_by_label("Navn")).to_have_value("Vurdering af om barnet er i fare (12 timer)")
    expect(page.locator("#changes-title + .table-wrap")).to_contain_text("Beredskabsplanen siger 12 timer")
