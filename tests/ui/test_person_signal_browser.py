"""In Chromium (issue 13): a caseworker opens a children's case for a CPR number that already has an
adults' case, sees the locked signal "En anden enhed arbejder med denne person", registers the
citizen's consent to share with another department on the case page, and then sees the other unit and
its caseworker's contact; a person added as a threat is warned about. Screenshot:
test-artifacts/ui-person-signal.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from engine.cases.models import Case
from engine.cases.owner import set_owner
from engine.cases.service import open_case
from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.setup import configure
from engine.users.models import Group, User
from tests.ui.conftest import LiveServer, create_users, screenshot, serve
from tests.ui.test_browser import assert_accessible, login
from tests.ui.test_modeler_browser import deploy_workflows

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect
CPH = ZoneInfo("Europe/Copenhagen")
NUMBER = "150805-4321"
USERS = {"rikke": ["modtagerteam", "raadgiver-boern"], "vibeke": ["raadgiver-voksen"], "lene": ["teamleder"]}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The shipped procedure; an adults' case (owner Vibeke, the job centre) for NUMBER."""
    def setup(session) -> None:
        configure(Settings.from_env({"CASEPATH_ENV": "testing"}))
        users = create_users(session, USERS)
        users["rikke"].full_name, users["vibeke"].full_name = "Rikke Rådgiver", "Vibeke Voksen"
        session.scalar(select(Group).where(Group.key == "raadgiver-voksen")).name = "Jobcentret, voksenområdet"
        session.scalar(select(Group).where(Group.key == "raadgiver-boern")).name = "Børn og familie"
        session.commit()
        deploy_workflows(session)
        received = (datetime.now(CPH) - timedelta(days=3)).isoformat()
        adults = open_case(session, "henvendelse_voksen", {
            "received_at": received, "source": "other_municipality", "subject_name": "Mariam Hassan",
            "subject_cpr": NUMBER}, users["lene"]).case
        set_owner(session, adults.id, "vibeke", users["lene"])

    with serve(tmp_path_factory.mktemp("signal"), setup) as (url, settings, _):
        yield LiveServer(url, settings)


def _assign(settings: Settings, reference: str) -> None:
    """The team lead's "Fordel sag" (tests/ui/test_shipped_browser.py walks it in the browser)."""
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session:
        lead = session.scalar(select(User).where(User.username == "lene"))
        case_id = session.scalar(select(Case.id).where(Case.reference == reference))
        set_owner(session, case_id, "rikke", lead)
    engine.dispose()


def test_a_locked_signal_opens_with_the_citizens_consent(page, live_server):
    login(page, "rikke")
    page.get_by_role("link", name="Ny sag").click()
    page.get_by_role("link", name="Underretning om barn eller ung").click()
    page.get_by_label("Modtaget (dato og klokkeslæt)").fill(
        (datetime.now(CPH) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Hvem har underrettet eller henvendt sig?").select_option("school")
    page.locator("#f-subject_name").fill("Mariam Hassan")
    page.locator("#f-subject_cpr").fill(NUMBER)
    page.get_by_role("button", name="Opret sagen").click()
    flash = page.get_by_role("status")
    expect(flash).to_contain_text("er oprettet")
    assert "150805" not in page.url
    reference = re.search(r"\d{4}-\d{6}", flash.inner_text()).group(0)
    _assign(live_server.settings, reference)
    page.reload()

    signal = page.locator("#andre-enheder")
    expect(signal).to_contain_text("En anden enhed arbejder med denne person")
    expect(signal).to_contain_text("Låst")
    expect(signal).not_to_contain_text("Vibeke")
    expect(page.locator("#personer")).to_contain_text("Sagens person")
    expect(page.locator("#personer")).to_contain_text("150805-xxxx")
    screenshot(page, "person-signal-locked")

    page.locator("#samtykker details > summary").first.click()
    page.locator("input[name=given_by][value=citizen]").check()
    page.get_by_label("Oplysningerne må gives til").select_option("other_department")
    page.get_by_label("Hvilke oplysninger samtykket dækker").fill("At kommunens enheder arbejder med Mariam")
    page.get_by_label("Formål").fill("Koordinering mellem børne- og voksenområdet")
    page.get_by_role("button", name="Gem samtykket").click()
    expect(page.get_by_role("status")).to_contain_text("Samtykket er registreret.")
    expect(signal).to_contain_text("Jobcentret, voksenområdet")
    expect(signal).to_contain_text("Vibeke Voksen")
    expect(signal).to_contain_text("vibeke@example.invalid")

    page.locator("#personer details > summary").click()
    page.locator("#f-person_name").fill("Khalid Hassan")
    page.get_by_label("Relation til sagens person").select_option("parent")
    page.locator("#f-person_threat").check()
    page.locator("#f-person_contact").fill("Tlf. 20 30 40 50")
    page.get_by_role("button", name="Tilføj personen").click()
    expect(page.get_by_role("status")).to_contain_text("Personen er tilføjet sagen.")
    expect(page.locator(".threat-warning")).to_contain_text("Khalid Hassan")
    screenshot(page, "person-signal")
    page.screenshot(path="/tmp/person-signal.png", full_page=True)
    assert_accessible(page, "person-signal")
    assert live_server.problems == []
