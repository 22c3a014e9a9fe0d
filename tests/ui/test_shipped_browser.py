"""The shipped children's procedure (workflows/ with its form-js forms) in a real browser.

Reception registers a notification on the shipped start form and assesses it on the shipped
24-hour form (an error first), the team lead distributes it, the caseworker holds the conversation
with the child; every shipped form page passes axe and the case diagram moves on. Screenshots:
test-artifacts/ui-shipped-*.png.
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
USERS = {"modtager": ["modtagerteam"], "teamleder": ["teamleder"], "raadgiver": ["raadgiver-boern"]}
ASSESS = "Vurdér inden for 24 timer, om barnet er i fare"
DISTRIBUTE = "Fordel sagen til en rådgiver"
CONVERSATION = "Børnesamtale"
SCREENING = "Screening for negativ social kontrol"


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

    page.get_by_role("link", name="Indbakke").first.click()
    open_task(page, reference, ASSESS)
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
    flows.logout(page)

    flows.login(page, "teamleder")
    open_task(page, reference, DISTRIBUTE)
    page.get_by_label("Valgt rådgiver (brugernavn)").fill("raadgiver")
    flows.assert_accessible(page, "shipped-distribution")
    complete(page, DISTRIBUTE)
    flows.logout(page)

    flows.login(page, "raadgiver")
    open_task(page, reference, CONVERSATION)
    page.get_by_label("Samtalen blev holdt den").fill(datetime.now(CPH).date().isoformat())
    page.get_by_label("Hvor blev samtalen holdt?").select_option("school")
    page.get_by_label("Barnet blev talt med alene").check()
    page.get_by_label("Tolk").select_option("none")
    page.get_by_label("Hvad fortalte barnet?").fill("Barnet må ikke se sine venner efter skole.")
    screenshot(page, "shipped-03-conversation")
    flows.assert_accessible(page, "shipped-conversation")
    complete(page, CONVERSATION)
    expect(flows.row(page, "candidate", reference, SCREENING)).to_be_visible()

    flows.open_case(page, reference)
    markers = flows.diagram_markers(page)
    assert "Task_screening" in markers["active"]
    assert {"Task_vurdering_24t", "Task_fordel_sag", "Task_boernesamtale"} <= set(markers["completed"])
    screenshot(page, "shipped-04-case")
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
    # The receipt of the case from the test above waits in the group's list.
    tab_to(page, "e.tagName === 'BUTTON' && e.textContent.includes('Tag opgaven')")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Du har taget opgaven.")
    tab_to(page, "e.tagName === 'A' && e.closest('#section-mine, [aria-labelledby=\"section-mine\"]') !== null")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekræft modtagelsen over for underretteren")
    tab_to(page, "e.name === 'receipt_sent_at'")
    assert focus_is_visible(page)
