"""Work carried forward, in a real browser (tests/ui/data/carried_forward.bpmn).

A caseworker assesses the danger signs; the sharing task after it opens with the signs ticked and
the measure typed (never the earlier sharing basis); the consent it lacks is registered from a
dialog on the task page and chosen in the form, and the task completes with what was typed. Text
typed before the session ends is there again after signing in. Screenshots: /tmp/shots/draft-*.png
and test-artifacts/ui-draft-*.png; axe checks the prefilled form and the open dialog.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import tests.ui.test_browser as flows
from engine.cases.service import open_case
from engine.process_models.service import deploy
from tests.ui.conftest import HERE, PASSWORD, LiveServer, create_users, screenshot, serve
from tests.ui.test_shipped_browser import complete, open_task

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

DIAGRAM = HERE / "data" / "carried_forward.bpmn"
FORMS = ("vurder_faretegn", "inddrag_politi_faretegn")
SHOTS = Path("/tmp/shots")
ASSESS, SHARE, FOLLOW_UP = "Vurdér faretegn", "Inddrag politiet", "Opfølgning på faretegn"
MEASURE = "Sikkerhedsplan aftalt med skolen; barnet hentes af sin moster."
SUMMARY = "Barnet er truet af sin bror og må ikke gå alene hjem."


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with the diagram and two open cases, each waiting for the children's caseworkers."""
    def setup(session) -> list[str]:
        users = create_users(session, {"raadgiver": ["raadgiver-boern"], "teamleder": ["teamleder"]})
        forms = {key: (HERE / "data" / "forms" / f"{key}.form").read_bytes() for key in FORMS}
        deploy(session, DIAGRAM.read_bytes(), actor=None, filename=DIAGRAM.name, comment="ui test", forms=forms)
        return [open_case(session, "viderefoert", {}, users["teamleder"]).case.reference for _ in range(2)]

    with serve(tmp_path_factory.mktemp("carried"), setup) as (url, settings, references):
        server = LiveServer(url, settings)
        server.references = references  # type: ignore[attr-defined]
        yield server


def shot(page, name: str, full_page: bool = True) -> None:
    """A screenshot in /tmp/shots and test-artifacts/ (a modal dialog: the window, as it is seen)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"draft-{name}.png"), full_page=full_page)
    if full_page:
        screenshot(page, f"draft-{name}")


def focused(page, selector: str) -> bool:
    return page.evaluate(f"() => document.activeElement && document.activeElement.matches({selector!r})")


def test_a_form_opens_prefilled_and_a_consent_from_the_dialog_lets_the_sharing_task_complete(page, live_server):
    reference = live_server.references[0]
    flows.login(page, "raadgiver")
    open_task(page, reference, ASSESS)
    page.get_by_label("Trusler").check()
    page.get_by_label("Kontrol af barnets færden").check()
    page.get_by_label("Risiko").select_option("high")
    page.get_by_label("Foranstaltning").fill(MEASURE)
    complete(page, ASSESS)

    # The sharing task opens with the assessment's answers; what is shared, and on what basis, is new.
    open_task(page, reference, SHARE)
    expect(page.get_by_label("Trusler")).to_be_checked()
    expect(page.get_by_label("Kontrol af barnets færden")).to_be_checked()
    expect(page.get_by_label("Vold")).not_to_be_checked()
    expect(page.get_by_label("Foranstaltning")).to_have_value(MEASURE)
    expect(page.get_by_label("Hvilke oplysninger videregives?")).to_have_value("")
    expect(page.locator("#draft-status")).to_contain_text("udfyldt på forhånd")
    expect(page.locator("#draft-status")).to_contain_text("hver videregivelse skal have sit eget grundlag")
    page.get_by_label("Hvilke oplysninger videregives?").fill(SUMMARY)
    page.locator("#task-form").get_by_label("Formål").fill("Politiets vurdering af risikoen")
    expect(page.locator("[data-draft-saved]")).to_contain_text("Kladden er gemt kl.")
    shot(page, "prefilled")
    flows.assert_accessible(page, "draft-prefilled")

    # No consent on file: the dialog registers one without leaving the task.
    consent = page.get_by_label("Samtykke", exact=True)
    assert consent.locator("option").all_inner_texts() == ["Vælg …"]
    opener = page.get_by_role("button", name="Registrér et samtykke")
    opener.click()
    dialog = page.get_by_role("dialog", name="Registrér et samtykke")
    expect(dialog).to_be_visible()
    assert page.evaluate("() => document.activeElement.closest('dialog') !== null")  # focus moved in
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert focused(page, "[data-consent-open]")  # and back
    opener.click()
    dialog.get_by_role("button", name="Gem samtykket").click()
    errors = dialog.locator("[data-consent-errors]")
    expect(errors).to_contain_text("Samtykket er givet af – Feltet skal udfyldes.")
    assert focused(page, "[data-consent-errors]")
    shot(page, "consent-dialog-errors", full_page=False)
    dialog.get_by_label("Borgeren").check()
    expect(dialog.get_by_label("Oplysningerne må gives til")).to_have_value("police")
    dialog.get_by_label("Hvilke oplysninger samtykket dækker").fill("Faretegn og sikkerhedsplan")
    dialog.get_by_label("Formål").fill("Politiets vurdering af risikoen")
    dialog.evaluate("d => { d.scrollTop = 0; }")
    shot(page, "consent-dialog", full_page=False)
    flows.assert_accessible(page, "draft-consent-dialog")
    dialog.get_by_role("button", name="Gem samtykket").click()
    expect(dialog).to_be_hidden()
    assert focused(page, "[data-consent-open]")
    expect(page.locator("[data-draft-saved]")).to_contain_text("Samtykket er registreret og valgt i formularen.")
    expect(consent).to_have_value(re.compile(r"^[0-9a-f-]{36}$"))
    expect(consent.locator("option:checked")).to_contain_text("Faretegn og sikkerhedsplan")
    expect(page.get_by_label("Hvilke oplysninger videregives?")).to_have_value(SUMMARY)  # what was typed stays
    expect(page.get_by_label("Foranstaltning")).to_have_value(MEASURE)
    shot(page, "consent-chosen")
    complete(page, SHARE)

    # The follow-up opens with the answers carried on once more.
    open_task(page, reference, FOLLOW_UP)
    expect(page.get_by_label("Risiko")).to_have_value("high")
    expect(page.get_by_label("Foranstaltning")).to_have_value(MEASURE)
    assert [p for p in live_server.problems if "Content Security Policy" in p] == []


def test_text_typed_before_the_session_ends_is_there_after_signing_in_again(page, live_server):
    reference = live_server.references[1]
    flows.login(page, "raadgiver")
    open_task(page, reference, ASSESS)
    task_url = page.url
    page.get_by_label("Vold").check()
    page.get_by_label("Foranstaltning").fill(MEASURE)
    expect(page.locator("[data-draft-saved]")).to_contain_text("Kladden er gemt kl.")

    page.context.clear_cookies()  # the session ends (as after the idle timeout)
    page.get_by_label("Foranstaltning").fill(MEASURE + " Mere tekst.")
    expect(page.locator("[data-draft-problem]")).to_contain_text("Du er ikke længere logget ind")
    expect(page.locator("[data-draft-problem] a")).to_have_text("Log ind igen")
    shot(page, "signed-out")

    page.goto(task_url)  # to the sign-in page, which brings them back to the task
    expect(page.get_by_role("heading", level=1, name="Log ind")).to_be_visible()
    page.get_by_label("Brugernavn").fill("raadgiver")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ASSESS)
    assert page.url == task_url
    expect(page.get_by_label("Foranstaltning")).to_have_value(MEASURE)
    expect(page.get_by_label("Vold")).to_be_checked()
    expect(page.locator("#draft-status")).to_contain_text("Formularen viser din kladde")
    shot(page, "restored")
    flows.assert_accessible(page, "draft-restored")
