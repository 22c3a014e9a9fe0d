"""The caseworker UI in a real browser (Debian's Chromium through Playwright).

Scenario: reception registers a notification, sees the case's header only until it takes the
assessment from the case page (need-to-know), records safe contact and a consent, and assesses it;
the team lead distributes it, the caseworker claims it, submits a form with errors, sees the Danish
messages, corrects them and completes; the case diagram moves on; those who are done with the case
no longer find it; everyone signs out. axe-core checks the login, inbox, task
and case pages; every page is saved as a screenshot in test-artifacts/.

Diagram-specific steps (task names, form fields) are the constants and `fill_*` functions at the
top; switching to workflows/underretning_boern.bpmn means changing those and conftest.DIAGRAM.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.ui.conftest import PASSWORD, run_axe, screenshot

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

ASSESS = "Vurdér underretningen inden for 24 timer"
DISTRIBUTE = "Fordel sagen til en rådgiver"
CONVERSATION = "Børnesamtale og screening for negativ social kontrol"
CPH = ZoneInfo("Europe/Copenhagen")


def fill_assessment(page) -> None:
    """The reception team's 24-hour assessment: forward to distribution."""
    page.get_by_label("Send videre til fordeling").check()


def fill_distribution(page) -> None:
    """The team lead's distribution form."""
    page.get_by_label("Bemærkning til rådgiveren").fill("Familien taler arabisk.")


def fill_conversation(page, conversations: str) -> None:
    """The caseworker's conversation form; `conversations` as typed."""
    page.get_by_label("Dato for børnesamtalen").fill(datetime.now(CPH).date().isoformat())
    page.get_by_label("Antal samtaler").fill(conversations)
    page.get_by_label("Tegn på negativ social kontrol", exact=True).check()


# -- helpers -------------------------------------------------------------------------------------

def login(page, username: str) -> None:
    page.goto("/log-ind")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1, name="Indbakke")).to_be_visible()


def logout(page) -> None:
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", level=1, name="Log ind")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Du er logget ud.")


def row(page, section: str, reference: str, task: str):
    """The inbox row of `task` in case `reference` in section mine / candidate / all."""
    return page.locator(f"section[aria-labelledby='section-{section}'] tbody tr", has_text=reference).filter(
        has_text=task)


def register_notification(page, hours_ago: int, shots: bool = False) -> str:
    """Register a children's notification received `hours_ago`; return its case reference."""
    page.get_by_role("link", name="Ny sag").click()
    if shots:
        screenshot(page, "02a-referral-choose")
    page.get_by_role("link", name="Underretning om barn eller ung").click()
    received = (datetime.now(CPH) - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Modtaget (dato og klokkeslæt)").fill(received)
    page.get_by_label("Hvem har underrettet eller henvendt sig?").select_option("school")
    page.get_by_label(re.compile("Underretteren er fagperson")).check()
    if shots:
        screenshot(page, "02b-referral-form")
        assert_accessible(page, "referral")
    page.get_by_role("button", name="Opret sagen").click()
    flash = page.get_by_role("status")
    expect(flash).to_contain_text("er oprettet")
    return re.search(r"\d{4}-\d{6}", flash.inner_text()).group(0)


def open_case(page, reference: str) -> None:
    """Find a case by its reference (the header's case search)."""
    page.get_by_label("Find sag").fill(reference)
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sag {reference}")


def not_found(page, reference: str) -> None:
    """The case search for a case the user may not see: the same message as for no such case, on the
    case list with nothing found."""
    page.get_by_label("Find sag").fill(reference)
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Sagen findes ikke, eller du har ikke adgang til den.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sager")


def diagram_markers(page) -> dict[str, list[str]]:
    """Element ids marked active / completed in the bpmn-js diagram, once it has loaded."""
    expect(page.locator("#diagram")).to_have_attribute("data-loaded", "true")
    return page.evaluate("""() => ({
        active: [...document.querySelectorAll('#diagram .cp-active')].map(e => e.dataset.elementId),
        completed: [...document.querySelectorAll('#diagram .cp-completed')].map(e => e.dataset.elementId)})""")


def assert_accessible(page, name: str) -> None:
    blocking = run_axe(page, name)
    assert blocking == [], f"axe found serious/critical problems on the {name} page: {blocking}"


# -- the scenario --------------------------------------------------------------------------------

def test_login_page(page, live_server):
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name="Log ind")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "da"
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Gå til indholdet")
    page.get_by_label("Brugernavn").fill("modtager")
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("alert")).to_contain_text("Forkert brugernavn eller adgangskode.")
    screenshot(page, "01-login")
    assert_accessible(page, "login")
    response = page.request.get("/")
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
    csp = [p for p in live_server.problems if "Content Security Policy" in p]
    assert csp == []


def test_case_path_through_the_ui(page, live_server):
    # Reception: two notifications, one received long ago (overdue), one two hours ago (at risk).
    login(page, "modtager")
    old_reference = register_notification(page, hours_ago=30, shots=True)
    reference = register_notification(page, hours_ago=2)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sag {reference}")
    # A waiting task of the reception's group: the header only, until the task is taken.
    expect(page.locator("#my-tasks-title")).to_have_text("Opgave til din gruppe")
    expect(page.locator("#contact-title")).to_have_count(0)
    page.get_by_role("button", name=re.compile("Tag opgaven")).click()
    expect(page.get_by_role("status")).to_contain_text("Du har taget opgaven.")
    page.locator("#contact-title + details > summary").click()
    page.get_by_label("Instruks om sikker kontakt").fill("Ring kun til barnets egen mobil mellem kl. 8 og 9.")
    page.get_by_label("Læg ingen beskeder på telefonsvareren").check()
    page.get_by_role("button", name="Gem instruksen").click()
    expect(page.get_by_role("status")).to_contain_text("Instruksen om sikker kontakt er gemt.")
    page.get_by_text("Registrér et samtykke").click()
    page.get_by_label("Forældremyndighedsindehaveren").check()
    page.get_by_label("Oplysningerne må gives til").select_option("security_consultant")
    page.get_by_label("Hvilke oplysninger samtykket dækker").fill("Underretningen og børnesamtalen.")
    page.get_by_label("Formål").fill("Risikovurdering.")
    page.get_by_role("button", name="Gem samtykket").click()
    expect(page.get_by_role("status")).to_contain_text("Samtykket er registreret.")
    screenshot(page, "02c-case-new")

    page.get_by_role("link", name="Indbakke").first.click()
    expect(row(page, "candidate", old_reference, ASSESS)).to_contain_text("Overskredet")
    expect(row(page, "mine", reference, ASSESS)).to_contain_text(re.compile(r"\d+ t tilbage"))  # 24 clock hours
    screenshot(page, "03-inbox-reception")
    assert_accessible(page, "inbox")
    row(page, "mine", reference, ASSESS).get_by_role("link", name=ASSESS).click()

    # The task page: safe contact banner, action card, deadline rule; an error, then completion.
    expect(page.get_by_role("heading", level=1)).to_have_text(ASSESS)
    expect(page.locator(".safe-contact[role=alert]")).to_contain_text("barnets egen mobil")
    assert page.locator("main h1, main h2, main h3").first.evaluate("e => e.tagName") == "H1"  # heading order
    expect(page.locator(".action-card")).to_contain_text("ring til politiet på 112")
    expect(page.locator(".summary")).to_contain_text("BL § 136")
    # A 24-hour deadline counts clock hours: the hours left, not the working-day wording.
    expect(page.locator(".summary")).to_contain_text(re.compile(r"\d+ t tilbage"))
    screenshot(page, "04-task")
    assert_accessible(page, "task")
    page.get_by_role("button", name="Udfør opgaven").click()
    expect(page.locator("#f-decision-error")).to_have_text("Fejl: Feltet skal udfyldes.")
    expect(page.locator(".error-summary")).to_be_focused()
    screenshot(page, "05-task-error")
    assert_accessible(page, "task-with-errors")
    fill_assessment(page)
    page.get_by_role("button", name="Udfør opgaven").click()
    expect(page.get_by_role("status")).to_contain_text(f"Opgaven »{ASSESS}« er udført.")

    # Done with its task, the reception has no relation to the case: the same answer as for no case.
    not_found(page, reference)
    logout(page)

    # Team lead: the case page (the diagram has moved on from the assessment to the distribution),
    # then distribute the case and give the caseworker's task to a caseworker.
    login(page, "teamleder")
    open_case(page, reference)
    markers = diagram_markers(page)
    assert markers == {"active": ["Task_fordel_sag"], "completed": ["Task_vurdering_24t"]}
    expect(page.locator("#deadlines-title + .table-wrap")).to_contain_text("Overholdt")
    screenshot(page, "06-case")
    assert_accessible(page, "case")
    page.get_by_role("link", name="Indbakke").first.click()
    row(page, "candidate", reference, DISTRIBUTE).get_by_role("button", name=re.compile("Tag opgaven")).click()
    row(page, "mine", reference, DISTRIBUTE).get_by_role("link", name=DISTRIBUTE).click()
    fill_distribution(page)
    page.get_by_role("button", name="Udfør opgaven").click()
    expect(page.get_by_role("status")).to_contain_text("er udført")
    task_row = row(page, "all", reference, CONVERSATION)
    task_row.get_by_role("combobox").select_option("raadgiver")
    screenshot(page, "07-inbox-teamlead")
    task_row.get_by_role("button", name=re.compile("Fordel")).click()
    expect(page.get_by_role("status")).to_contain_text("Opgaven er fordelt.")
    logout(page)

    # Caseworker: give it back, claim it, fail the form twice, then complete.
    login(page, "raadgiver")
    row(page, "mine", reference, CONVERSATION).get_by_role("button", name=re.compile("Læg tilbage")).click()
    expect(page.get_by_role("status")).to_contain_text("Opgaven er lagt tilbage til gruppen.")
    row(page, "candidate", reference, CONVERSATION).get_by_role("button", name=re.compile("Tag opgaven")).click()
    row(page, "mine", reference, CONVERSATION).get_by_role("link", name=CONVERSATION).click()
    expect(page.get_by_role("heading", name=re.compile("Kontakter"))).to_be_visible()
    page.get_by_role("button", name="Udfør opgaven").click()
    for field in ("conversation_date", "conversations", "screening"):
        expect(page.locator(f"#f-{field}-error")).to_have_text("Fejl: Feltet skal udfyldes.")
    fill_conversation(page, "to")
    page.get_by_role("button", name="Udfør opgaven").click()
    expect(page.locator("#f-conversations-error")).to_have_text("Fejl: Skal være et helt tal.")
    screenshot(page, "08-task-caseworker-error")
    fill_conversation(page, "2")
    page.get_by_role("button", name="Udfør opgaven").click()
    expect(page.get_by_role("status")).to_contain_text(f"Opgaven »{CONVERSATION}« er udført.")

    not_found(page, reference)  # every task done: the caseworker holds nothing of the case any more
    page.get_by_role("link", name="Profil").click()
    expect(page.get_by_role("heading", level=1, name="Profil")).to_be_visible()
    screenshot(page, "10-profile")
    assert_accessible(page, "profile")
    logout(page)

    # The team lead's case page: the diagram has moved on (every task done), the case is closed.
    login(page, "teamleder")
    open_case(page, reference)
    markers = diagram_markers(page)
    assert markers["active"] == []
    assert set(markers["completed"]) == {"Task_vurdering_24t", "Task_fordel_sag", "Task_boernesamtale"}
    expect(page.locator("#overblik")).to_contain_text("Afsluttet")
    expect(page.locator(".timeline")).to_contain_text(f"Opgaven '{CONVERSATION}' er udført")
    screenshot(page, "09-case-closed")
    logout(page)
    assert [p for p in live_server.problems if "Content Security Policy" in p] == []
