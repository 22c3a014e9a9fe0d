"""The shipped children's procedure (workflows/ with its form-js forms) in a real browser.

Reception registers a notification on the shipped start form, sees the case's header only until it
takes the assessment (need-to-know: a waiting task of its group), records the safe-contact
instructions and assesses on the shipped 24-hour form (an error first); the team lead distributes
the case by picking its owner from the list of children's caseworkers; the owner finds the next
task already in "Mine opgaver" and holds the conversation with the child; another caseworker of the
same group who opens the case's address gets the Danish 404. Every shipped form page and the case
pages pass axe and the case diagram moves on. Screenshots: test-artifacts/ui-shipped-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import tests.ui.test_browser as flows
from tests.ui.conftest import LiveServer, create_users, screenshot, serve
from tests.ui.test_modeler_browser import deploy_workflows

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

CPH = ZoneInfo("Europe/Copenhagen")
USERS = {"modtager": ["modtagerteam"], "teamleder": ["teamleder"], "raadgiver": ["raadgiver-boern"],
         "raadgiver2": ["raadgiver-boern"]}
ASSESS = "Vurdér inden for 24 timer, om barnet er i fare"
DISTRIBUTE = "Fordel sagen til en rådgiver"
CONVERSATION = "Børnesamtale"
SCREENING = "Screening for negativ social kontrol"
RECEIPT = "Bekræft modtagelsen over for underretteren"
CONTACT = "Ring kun til barnets egen mobil mellem kl. 8 og 9. Spørg, om barnet er alene."


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with the shipped workflows/ deployed."""
    def setup(session) -> None:
        create_users(session, USERS)
        deploy_workflows(session)

    with serve(tmp_path_factory.mktemp("shipped"), setup) as (url, settings, _):
        yield LiveServer(url, settings)


def open_task(page, reference: str, name: str) -> None:
    """Claim the task from the group's list and open it."""
    flows.row(page, "candidate", reference, name).get_by_role("button", name=re.compile("Tag opgaven")).click()
    flows.row(page, "mine", reference, name).get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def complete(page, name: str) -> None:
    page.get_by_role("button", name="Udfør opgaven").click()
    expect(page.get_by_role("status")).to_contain_text(f"Opgaven »{name}« er udført.")


def test_the_shipped_childrens_procedure_through_its_own_forms(page, live_server):
    flows.login(page, "modtager")
    page.get_by_role("link", name="Ny sag").click()
    page.get_by_role("link", name="Underretning om barn eller ung").click()
    expect(page.locator("main")).to_contain_text("Registrér kun hvornår og fra hvem underretningen kom")
    page.get_by_role("button", name="Opret sagen").click()  # empty: the start form's own rules answer
    expect(page.locator("#f-received_at-error")).to_have_text("Fejl: Feltet skal udfyldes.")
    received = (datetime.now(CPH) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Modtaget (dato og klokkeslæt)").fill(received)
    page.get_by_label("Hvem har underrettet eller henvendt sig?").select_option("school")
    page.get_by_label("Underretteren er fagperson").check()
    screenshot(page, "shipped-01-referral")
    flows.assert_accessible(page, "shipped-referral")
    page.get_by_role("button", name="Opret sagen").click()
    flash = page.get_by_role("status")
    expect(flash).to_contain_text("er oprettet")
    reference = re.search(r"\d{4}-\d{6}", flash.inner_text()).group(0)
    case_url = page.url

    # The reception's group has waiting tasks: the case's header and its tasks, not its content.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sag {reference}")
    expect(page.locator("#my-tasks-title")).to_have_text("Opgave til din gruppe")
    expect(page.locator("#diagram")).to_have_count(0)
    expect(page.locator("#overblik")).to_contain_text("Ingen endnu – sagen er ikke fordelt")
    flows.assert_accessible(page, "shipped-case-candidate")

    page.get_by_role("link", name="Indbakke").first.click()
    open_task(page, reference, ASSESS)
    # Holding a task of a case without an owner, the reception works the case: safe contact first.
    page.get_by_role("link", name=f"Sag {reference}").click()
    page.locator("#contact-title + details > summary").click()
    page.get_by_label("Instruks om sikker kontakt").fill(CONTACT)
    page.get_by_label("Læg ingen beskeder på telefonsvareren").check()
    page.get_by_role("button", name="Gem instruksen").click()
    expect(page.get_by_role("status")).to_contain_text("Instruksen om sikker kontakt er gemt.")
    expect(page.locator(".safe-contact[role=alert]")).to_contain_text("barnets egen mobil")
    page.get_by_role("link", name=ASSESS).click()
    expect(page.locator(".summary")).to_contain_text("BL § 136")
    page.get_by_role("button", name="Udfør opgaven").click()
    for field in ("danger_assessment", "assessment_decision"):
        expect(page.locator(f"#f-{field}-error")).to_have_text("Fejl: Feltet skal udfyldes.")
    screenshot(page, "shipped-02-assessment-errors")
    flows.assert_accessible(page, "shipped-assessment")
    page.get_by_label("Trusler").check()
    page.get_by_label("Vurdering af barnets situation").fill("Barnet er bekymret, men ikke i akut fare.")
    page.get_by_label("Send videre til fordeling hos teamlederen").check()
    complete(page, ASSESS)
    # Done with the assessment, the reception is again only a candidate (of the receipt): the header.
    page.goto(case_url)
    expect(page.locator("#my-tasks-title")).to_be_visible()
    expect(page.locator("#my-tasks-title + p + ul")).to_contain_text(RECEIPT)
    expect(page.locator(".safe-contact[role=alert]")).to_contain_text("barnets egen mobil")
    expect(page.locator("#timeline-title")).to_have_count(0)
    screenshot(page, "shipped-03-case-header-only")
    flows.assert_accessible(page, "shipped-case-header-only")
    flows.logout(page)

    # The team lead picks the owner from the list of the children's caseworkers.
    flows.login(page, "teamleder")
    open_task(page, reference, DISTRIBUTE)
    owner_field = page.get_by_label("Sagsbehandler (rådgiver)")
    assert owner_field.evaluate("e => e.tagName") == "SELECT"
    assert owner_field.locator("option").all_inner_texts() == ["Vælg …", "raadgiver", "raadgiver2"]
    owner_field.select_option("raadgiver")
    page.get_by_label("Nej, jeg har tjekket det").check()  # the conflict-of-interest question (issue 14)
    screenshot(page, "shipped-04-distribution")
    flows.assert_accessible(page, "shipped-distribution")
    complete(page, DISTRIBUTE)
    flows.logout(page)

    # The owner finds the next task already in "Mine opgaver".
    flows.login(page, "raadgiver")
    expect(flows.row(page, "mine", reference, CONVERSATION)).to_be_visible()
    expect(flows.row(page, "candidate", reference, CONVERSATION)).to_have_count(0)
    flows.row(page, "mine", reference, CONVERSATION).get_by_role("link", name=CONVERSATION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CONVERSATION)
    page.get_by_label("Ja, samtalen er holdt").check()
    page.get_by_label("Samtalen blev holdt den").fill(datetime.now(CPH).date().isoformat())
    page.get_by_label("Hvor blev samtalen holdt eller forsøgt holdt?").select_option("school")
    page.get_by_label("Barnet blev talt med alene").check()
    page.get_by_label("Tolk").select_option("none")
    page.get_by_label("Hvad fortalte barnet?").fill("Barnet må ikke se sine venner efter skole.")
    screenshot(page, "shipped-05-conversation")
    flows.assert_accessible(page, "shipped-conversation")
    complete(page, CONVERSATION)
    expect(flows.row(page, "mine", reference, SCREENING)).to_be_visible()  # the owner's lane: assigned

    # The owner's case page: at a glance the risk, the next deadline, the owner and the safe contact.
    flows.open_case(page, reference)
    overview = page.locator("#overblik")
    expect(overview).to_contain_text("Risiko")
    expect(overview).to_contain_text("Næste frist")
    # The danger signs ("Trusler") brought the security consultant in early: due within a working day,
    # before the reception's receipt (issue 14).
    expect(overview).to_contain_text("Ring til sikkerhedskonsulenten (tegn på fare)")
    expect(overview).to_contain_text("raadgiver")
    expect(page.locator(".safe-contact[role=alert]")).to_contain_text("barnets egen mobil")
    expect(page.locator("#sagsbehandler")).to_contain_text("Tilknyt en medarbejder")
    markers = flows.diagram_markers(page)
    assert "Task_screening" in markers["active"]
    assert {"Task_vurdering_24t", "Task_fordel_sag", "Task_boernesamtale"} <= set(markers["completed"])
    screenshot(page, "shipped-06-case-owner")
    flows.assert_accessible(page, "shipped-case-owner")
    flows.logout(page)

    # Another caseworker of the same group: the case's address is the Danish 404 of a missing case.
    flows.login(page, "raadgiver2")
    response = page.goto(case_url)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Siden findes ikke")
    expect(page.locator("main")).to_contain_text("Sagen eller opgaven findes ikke, eller du har ikke adgang.")
    expect(page.get_by_role("link", name="Brug nødadgang")).to_be_visible()
    screenshot(page, "shipped-07-case-not-found")
    flows.assert_accessible(page, "shipped-case-not-found")
    flows.logout(page)
    assert [p for p in live_server.problems if "Content Security Policy" in p] == []


def tab_to(page, matches: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches the JavaScript predicate `matches` (given `e`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({matches}); }}"):
            return
    raise AssertionError(f"Tab never reached an element where {matches}")


def focus_is_visible(page) -> bool:
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; }""")


def test_signing_in_and_taking_a_task_with_the_keyboard_alone(page, live_server):
    page.goto("/log-ind")
    tab_to(page, "e.id === 'username' || e.name === 'username'")
    assert focus_is_visible(page)
    page.keyboard.type("modtager")
    tab_to(page, "e.name === 'password'")
    page.keyboard.type(flows.PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Indbakke")).to_be_visible()
    # The case from the test above waits in the group's list: first the early call to the security
    # consultant (its danger signs; due within a working day, issue 14), then the receipt.
    tab_to(page, "e.tagName === 'BUTTON' && e.textContent.includes('Tag opgaven')")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Du har taget opgaven.")
    # The first link in a row of my tasks (the column headings above it are sort links now).
    tab_to(page, "e.tagName === 'A' && e.closest('tbody') !== null"
                 " && e.closest('#section-mine, [aria-labelledby=\"section-mine\"]') !== null")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ring til sikkerhedskonsulenten (tegn på fare)")
    tab_to(page, "e.name === 'disclosure_summary'")
    assert focus_is_visible(page)
