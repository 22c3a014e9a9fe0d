"""Deploying from the modeler is a decision, bpmnlint marks what the server refuses, and the compare page
colours the differences (issue 18). The shipped workflows/ are deployed with two open cases on version 1.
Tests run in file order and share the module's server. Screenshots: test-artifacts/ui-modeler-deploy-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

import tests.ui.test_browser as flows
from engine.cases.service import open_case
from tests.ui.conftest import ARTIFACTS, LiveServer, create_users, screenshot, serve
from tests.ui.test_modeler_browser import USERS, assert_accessible, deploy_workflows, open_modeler

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

KEY = "underretning_boern"
RENAMED = "Bekræft modtagelsen skriftligt"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with workflows/ deployed and two children's cases open on version 1."""
    def setup(session) -> None:
        users = create_users(session, USERS)
        deploy_workflows(session)
        for hours in (3, 4):
            received = (datetime.now(UTC) - timedelta(hours=hours)).isoformat()
            open_case(session, KEY, {"received_at": received, "source": "school"}, users["modtager"])

    with serve(tmp_path_factory.mktemp("modeler-deploy"), setup) as (url, settings, _):
        yield LiveServer(url, settings)


def run(page, script: str, *args):
    """Run `script` with the modeler as `m` (bpmn-js driven through its API where dragging is impractical)."""
    return page.evaluate(f"(args) => {{ const m = window.casepathModeler; {script} }}", list(args))


def rename(page, element_id: str, name: str) -> None:
    run(page, "m.get('modeling').updateLabel(m.get('elementRegistry').get(args[0]), args[1]);", element_id, name)


def break_gateway(page) -> None:
    """Delete the default flow of the decision gateway: its other exits are all conditional."""
    run(page, "const r = m.get('elementRegistry'); m.get('modeling').removeElements([r.get('Flow_videre')]);")


def draft_names(page) -> str:
    return page.request.get(f"/processer/{KEY}/kladde").json()["xml"]


def test_bpmnlint_marks_a_gateway_without_default_and_the_deploy_is_refused(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    expect(page.locator("#modeler")).to_have_attribute("data-lint-issues", "0")  # the shipped diagram is clean
    expect(page.locator(".bjsl-button")).to_contain_text("Ingen advarsler")
    rename(page, "Task_kvittering", RENAMED)
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.locator("#modeler-status")).to_have_text("Kladden er gemt.")
    break_gateway(page)
    expect(page.locator("#modeler")).to_have_attribute("data-lint-elements", re.compile(r"\bGateway_beslutning\b"))
    expect(page.locator(".bjsl-button")).to_contain_text("fejl")
    page.locator(".bjsl-overlay").first.wait_for()
    run(page, "const g = m.get('elementRegistry').get('Gateway_beslutning'); m.get('canvas').scrollToElement(g);")
    expect(page.locator(".bjsl-button")).to_contain_text("1 fejl")
    page.locator(".modeler-layout").screenshot(path=str(ARTIFACTS / "ui-modeler-deploy-01-lint.png"))

    page.get_by_role("button", name="Udrul ny version …").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_have_attribute("data-ready", "blocked")
    expect(dialog.locator("#deploy-problems")).to_contain_text("ingen er standardpil")
    expect(dialog.get_by_role("button", name="Udrul", exact=True)).to_be_disabled()
    assert_accessible(page, "deploy-refused")
    dialog.get_by_role("button", name="Fortryd").click()

    # Even sent straight to the server, the refused diagram does not replace the saved draft.
    answer = page.evaluate("""async () => { const xml = (await window.casepathModeler.saveXML()).xml;
        const r = await window.Casepath.request(JSON.parse(document.getElementById('modeler').dataset.config).deploy,
            'POST', { xml: xml, comment: 'ødelagt' }); return { status: r.status, problems: r.data.problems }; }""")
    assert answer["status"] == 422
    assert any(p["element_id"] == "Gateway_beslutning" for p in answer["problems"])
    saved = draft_names(page)
    assert RENAMED in saved and 'id="Flow_videre"' in saved  # the draft as it was before the attempt
    page.goto(f"/processer/{KEY}")
    expect(page.locator("#versions-title + .table-wrap tbody tr")).to_have_count(1)


def test_deploy_needs_a_comment_and_a_confirmation(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    expect(page.locator("#modeler-source")).to_contain_text("Du redigerer kladden")
    page.get_by_role("button", name="Udrul ny version …").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_have_attribute("data-ready", "true")
    expect(dialog).to_contain_text("Sammenlignet med den kørende version 1.")
    expect(dialog.locator(".deploy-changes__group--changed")).to_contain_text(f"{RENAMED} (Task_kvittering): name")
    expect(dialog).to_contain_text("2 åbne sager kører på ældre versioner")
    dialog.get_by_role("button", name="Udrul", exact=True).click()
    expect(dialog.locator("#deploy-comment-error")).to_have_text("Skriv en kommentar: hvad er ændret, og hvorfor?")
    expect(dialog.get_by_label("Kommentar til udrulningen (skal udfyldes)")).to_be_focused()
    dialog.get_by_label("Kommentar til udrulningen (skal udfyldes)").fill("Tydeligere navn på kvitteringen")
    dialog.get_by_role("button", name="Udrul", exact=True).click()
    expect(dialog.locator("#deploy-confirm-error")).to_have_text("Bekræft, at du har gennemgået ændringerne.")
    screenshot(page, "modeler-deploy-02-dialog")
    assert_accessible(page, "deploy-dialog")
    dialog.get_by_label("Jeg har gennemgået ændringerne").check()
    dialog.get_by_role("button", name="Udrul", exact=True).click()
    expect(page.locator("#modeler-status")).to_have_text(f"Version 2 af {KEY} er udrullet.")
    page.goto(f"/processer/{KEY}")
    versions = page.locator("#versions-title + .table-wrap tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("Tydeligere navn på kvitteringen")


def test_an_empty_comment_is_refused_by_the_server(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    answer = page.evaluate("""async () => { const c = JSON.parse(document.getElementById('modeler').dataset.config);
        const r = await window.Casepath.request(c.deploy, 'POST', { comment: '   ' });
        return { status: r.status, error: r.data.error }; }""")
    assert answer == {"status": 422, "error": "Skriv en kommentar: hvad er ændret, og hvorfor?"}


def test_moving_a_label_is_no_version(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    run(page, """const flow = m.get('elementRegistry').filter(e => e.type === 'bpmn:SequenceFlow' && e.label)[0];
        m.get('selection').select(flow.label);
        m.get('modeling').moveShape(flow.label, { x: 3, y: 2 });""")
    expect(page.locator("#modeler")).to_have_attribute("data-dirty", "true")
    page.get_by_role("button", name="Udrul ny version …").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_have_attribute("data-ready", "blocked")
    expect(dialog).to_contain_text("Ingen ændringer i processen – kun layoutet er anderledes.")
    expect(dialog.get_by_role("button", name="Udrul", exact=True)).to_be_disabled()
    dialog.get_by_role("button", name="Fortryd").click()


def test_a_draft_is_discarded_after_a_confirmation(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    rename(page, "Task_kvittering", "Kassér mig")
    page.get_by_role("button", name="Gem kladde").click()
    expect(page.locator("#modeler-status")).to_have_text("Kladden er gemt.")
    open_modeler(page)
    page.get_by_role("button", name="Kassér kladde").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Kassér kladden?")
    assert_accessible(page, "discard-dialog")
    dialog.get_by_role("button", name="Fortryd").click()
    assert "Kassér mig" in draft_names(page)  # nothing happened
    page.get_by_role("button", name="Kassér kladde").click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, kassér kladden").click()
    expect(page.get_by_role("status").first).to_contain_text("Kladden er kasseret.")
    assert "Kassér mig" not in draft_names(page)


def test_compare_colours_the_changed_task_on_both_versions(page, live_server):
    flows.login(page, "teamleder")
    page.goto(f"/processer/{KEY}/sammenlign?fra=1&til=2")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ændringer fra version 1 til 2")
    for side in ("old", "new"):
        view = page.locator(f"#compare-{side}")
        expect(view).to_have_attribute("data-loaded", "true")
        expect(view).to_have_attribute("data-marked", re.compile(r"\bchanged:Task_kvittering\b"))
        expect(view.locator("[data-element-id=Task_kvittering].cp-changed")).to_have_count(1)
        assert "Lane_" not in (view.get_attribute("data-marked") or "")
    screenshot(page, "modeler-deploy-03-compare")
    assert_accessible(page, "compare-diagrams")
