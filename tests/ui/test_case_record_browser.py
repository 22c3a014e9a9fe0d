"""The case record in a real browser: a caseworker reads the 24-hour assessment's answers on the case
page, as the reception answered them on the shipped form, writes a journal note and corrects it, and
adds an attachment (a renamed text file is refused first).

The case is made through the services (tests/api/record_helpers.py: the shipped procedure, its
24-hour assessment done by reception and the case given to "raadgiver"). Screenshots:
test-artifacts/ui-record-*.png, and the record section alone in /tmp/shots/record-section.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.ui.test_browser as flows
from tests.api.record_helpers import PDF, assessed_case, deploy_shipped
from tests.ui.conftest import LiveServer, create_users, screenshot, serve

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

USERS = {"modtager": ["modtagerteam"], "teamleder": ["teamleder"], "raadgiver": ["raadgiver-boern"]}
ASSESS = "Opgave udført: Vurdér inden for 24 timer, om barnet er i fare"
SHOTS = Path("/tmp/shots")
CASE: dict[str, str] = {}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with the shipped workflows/ and one assessed children's case owned by "raadgiver"."""
    def setup(session) -> tuple[str, str]:
        users = create_users(session, USERS)
        deploy_shipped(session)
        case = assessed_case(session, users["modtager"], users["teamleder"], users["raadgiver"])
        return str(case.id), case.reference

    with serve(tmp_path_factory.mktemp("record"), setup) as (url, settings, (case_id, reference)):
        CASE.update(id=case_id, reference=reference)
        yield LiveServer(url, settings)


def test_a_caseworker_reads_the_24_hour_assessment_on_the_case_page(page, live_server):
    flows.login(page, "raadgiver")
    page.goto(f"/sager/{CASE['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sag {CASE['reference']}")
    record = page.locator("#akter")
    expect(record.get_by_role("heading", level=2)).to_have_text("Sagens akter")
    entry = record.locator("article", has=page.get_by_role("heading", name=ASSESS))
    expect(entry).to_contain_text("modtager")
    answers = entry.locator(".answers")
    expect(answers).to_be_hidden()  # folded until asked for
    entry.get_by_text("Vis svarene").click()
    expect(answers).to_be_visible()
    expect(answers).to_contain_text("Tegn i underretningen")
    expect(answers.locator("li")).to_have_text(["Trusler", "Er stukket af eller tør ikke gå hjem"])
    expect(answers).to_contain_text("Vurdering af barnets situation")
    expect(answers).to_contain_text("Barnet fortæller om trusler fra storebror og tør ikke gå hjem.")
    expect(answers).to_contain_text("Send videre til fordeling hos teamlederen")
    assert answers.locator("input, textarea, select").count() == 0  # read-only: nothing to change

    # A journal note, then a correction of it: both stay, the first marked as corrected.
    page.get_by_label("Nyt notat").fill("Skolens AKT-lærer ringede. Barnet var i skole i dag.")
    page.get_by_role("button", name="Gem notatet").click()
    expect(page.get_by_role("status")).to_contain_text("Notatet er gemt.")
    note = record.locator("article.record-entry--note").first
    expect(note).to_contain_text("Skolens AKT-lærer ringede.")
    note.get_by_text("Ret notatet").click()
    note.get_by_label("Rettelse").fill("Det var barnets klasselærer, ikke AKT-læreren, der ringede.")
    note.get_by_role("button", name="Gem rettelsen").click()
    expect(page.get_by_role("status")).to_contain_text("Rettelsen er gemt.")
    expect(record.locator("article.record-entry--note")).to_have_count(2)
    expect(record.locator(".record-entry__corrected")).to_contain_text("Rettet")

    # An attachment: a text file called .pdf is refused in Danish; a real PDF is kept and listed.
    record.get_by_text("Tilføj et bilag").click()
    page.get_by_label("Fil").set_input_files(files=[{"name": "vurdering.pdf", "mimeType": "application/pdf",
                                                     "buffer": b"ikke en pdf"}])
    page.get_by_role("button", name="Gem bilaget").click()
    expect(page.locator("#f-file-error")).to_have_text(
        "Fejl: Filtypen kan ikke bruges. Vælg en PDF, PNG, JPEG, DOCX eller ODT.")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#nyt-bilag").screenshot(path=str(SHOTS / "record-upload-refused.png"))
    page.get_by_label("Fil").set_input_files(files=[{"name": "Risikovurdering.pdf", "mimeType": "application/pdf",
                                                     "buffer": PDF}])
    page.get_by_label("Beskrivelse").fill("Risikovurdering fra sikkerhedskonsulenten")
    page.get_by_role("button", name="Gem bilaget").click()
    expect(page.get_by_role("status")).to_contain_text("Bilaget er gemt.")
    expect(page.locator("#akter").get_by_role("link", name="Hent Risikovurdering.pdf")).to_be_visible()

    record.locator("article", has=page.get_by_role("heading", name=ASSESS)).get_by_text("Vis svarene").click()
    screenshot(page, "record-01-case-page")
    record.screenshot(path=str(SHOTS / "record-section.png"))
    flows.assert_accessible(page, "case-record")
    assert [p for p in live_server.problems if "Content Security Policy" in p] == []
