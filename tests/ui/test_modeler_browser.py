"""Team leads edit, check and deploy the procedure in the browser (Debian's Chromium via Playwright).

The shipped workflows/ (with their forms) are deployed, and two children's cases are opened on
version 1. The team lead adds a user task with a new form in the caseworker lane (bpmn-js driven
through its API where dragging is impractical, the form key and action card through the panel and
the helper), sees the deploy refused with a marker on the task while its form is missing, builds
the form in the form editor, and deploys with the real buttons. A new case then gets the new task
in the caseworker's inbox while the older cases stay on version 1, until one is moved with a dry
run and a migration. A MIWG file from another modeler opens and its refusal names the reason.
Tests run in file order and share the module's server. Screenshots: test-artifacts/ui-modeler-*.png.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

import tests.ui.test_browser as flows
from engine.cases.service import open_case
from engine.process_models.service import deploy
from tests.ui.conftest import ARTIFACTS, AXE_BLOCKING, REPO, LiveServer, create_users, screenshot, serve

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

WORKFLOWS = REPO / "workflows"
MIWG = REPO.parent / "shared" / "conformance" / "miwg" / "reference" / "C.1.0.bpmn"
USERS = {"modtager": ["modtagerteam"], "teamleder": ["teamleder"], "raadgiver": ["raadgiver-boern"],
         "admin": ["admin"]}
NEW_TASK = "Tjek barnets sikkerhed"
NEW_FORM = "tjek_sikkerhed"
AXE_EXCLUDE = ["#canvas", "#properties", "#form-canvas", "#form-properties", "#viewer"]  # bpmn.io's own widgets


@dataclass
class ModelerServer(LiveServer):
    """The running app and the references of the cases opened on version 1."""

    old_cases: list[str] = field(default_factory=list)


def deploy_workflows(session) -> None:
    """Deploy the shipped procedure with its forms (called processes first)."""
    forms = {path.stem: path.read_bytes() for path in (WORKFLOWS / "forms").glob("*.form")}
    files = sorted(WORKFLOWS.glob("*.bpmn"), key=lambda p: b"callActivity" in p.read_bytes())
    for path in files:
        deploy(session, path.read_bytes(), actor=None, filename=path.name, comment="workflows/", forms=forms)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModelerServer]:
    """The app with workflows/ deployed and two children's cases opened on version 1."""
    def setup(session) -> list[str]:
        users = create_users(session, USERS)
        deploy_workflows(session)
        old_cases = []
        for hours in (3, 4):
            received = (datetime.now(UTC) - timedelta(hours=hours)).isoformat()
            opened = open_case(session, "underretning_boern", {"received_at": received, "source": "school"},
                               users["modtager"])
            old_cases.append(opened.case.reference)
        return old_cases

    with serve(tmp_path_factory.mktemp("modeler"), setup) as (url, settings, old_cases):
        yield ModelerServer(url, settings, old_cases=old_cases)


def assert_accessible(page, name: str) -> None:
    """axe-core on our markup; the bpmn-js and form-js widgets are bpmn.io's and left out."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    violations = page.evaluate("""async (exclude) => {
        const context = { include: [["body"]], exclude: exclude.filter(s => document.querySelector(s)).map(s => [s]) };
        const result = await axe.run(context, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
    }""", AXE_EXCLUDE)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-modeler-{name}.json").write_text(json.dumps(violations, indent=2, ensure_ascii=False))
    blocking = [v for v in violations if v["impact"] in AXE_BLOCKING]
    assert blocking == [], f"axe found serious/critical problems on the {name} page: {blocking}"


def open_modeler(page, key: str = "underretning_boern") -> None:
    page.goto(f"/processer/{key}/modeller")
    expect(page.locator("#modeler")).to_have_attribute("data-loaded", "true")


def select(page, element_id: str) -> None:
    page.evaluate("""(id) => { const m = window.casepathModeler;
        m.get('selection').select(m.get('elementRegistry').get(id)); }""", element_id)


def deploy_with_dialog(page, comment: str) -> None:
    """Deploy through the dialog: the changes shown, a comment, the confirmation."""
    page.get_by_role("button", name="Udrul ny version …").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_have_attribute("data-ready", "true")
    dialog.get_by_label("Kommentar til udrulningen (skal udfyldes)").fill(comment)
    dialog.get_by_label("Jeg har gennemgået ændringerne").check()
    dialog.get_by_role("button", name="Udrul", exact=True).click()


def csp_problems(server: LiveServer) -> list[str]:
    return [p for p in server.problems if "Content Security Policy" in p]


# -- the tests, in order -------------------------------------------------------------------------

def test_processes_page_lists_versions_and_is_closed_to_caseworkers(page, live_server):
    flows.login(page, "raadgiver")
    expect(page.get_by_role("link", name="Processer")).to_have_count(0)
    page.goto("/processer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")
    flows.logout(page)

    flows.login(page, "teamleder")
    page.get_by_role("link", name="Processer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Processer")
    card = page.locator("section.process-card", has_text="underretning_boern")
    expect(card.locator("tbody tr")).to_have_count(1)
    expect(card.locator("tbody tr").first).to_contain_text("Version 1")
    expect(card.locator("tbody tr").first).to_contain_text("workflows/")
    expect(card.locator("tbody tr td").last).to_have_text("2")  # two open cases on version 1
    screenshot(page, "modeler-01-processes")
    assert_accessible(page, "processes")


def test_modeler_opens_the_childrens_procedure_with_the_panel(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    expect(page.locator(".bjs-powered-by")).to_be_visible()  # the bpmn.io watermark (its licence)
    expect(page.locator("#form-list")).to_contain_text("underretning_start")  # the start form is edited too
    select(page, "Start_underretning")
    expect(page.locator("#helper-form-link")).to_have_text("underretning_start")
    select(page, "Lane_raadgiver_boern")
    expect(page.locator("#helper-group")).to_have_text("Gruppe: raadgiver-boern (lanen »Rådgiver (børn)«)")
    page.locator("#properties").get_by_text("Generelt", exact=True).click()
    expect(page.locator("#properties")).to_contain_text("Gruppe: raadgiver-boern")  # the mapping, in the panel
    select(page, "Task_kvittering")
    page.locator("#properties").get_by_text("Tildeling og frist", exact=True).click()
    due = page.locator("#properties").get_by_label("Forfaldsdato (dueDate)")
    expect(due).to_have_value("deadline('receipt_6_workdays', received_at)")
    expect(page.locator("#properties")).to_contain_text("assessment_24h")  # rule keys in the help text
    screenshot(page, "modeler-02-modeler")
    assert_accessible(page, "modeler")
    assert csp_problems(live_server) == []


def test_a_timer_gets_its_deadline_rule_without_touching_xml(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    select(page, "Boundary_24_timer")
    expect(page.locator("#helper-deadline-current")).to_contain_text("assessment_24h")
    page.get_by_label("Fristregel").select_option("receipt_6_workdays")
    page.get_by_label("Tælles fra feltet").select_option("received_at")
    page.get_by_role("button", name="Brug fristreglen").click()
    expected = 'deadline("receipt_6_workdays", received_at)'
    expect(page.locator("#helper-deadline-current")).to_have_text(f"Frist nu: {expected}")
    xml = page.evaluate("async () => (await window.casepathModeler.saveXML()).xml")
    timer = xml.split('id="Boundary_24_timer"', 1)[1].split("</bpmn:boundaryEvent>", 1)[0]
    assert "<bpmn:timeDate" in timer and expected in timer
    # The check accepts the rule the way a deploy would (nothing is saved by leaving the page).
    page.get_by_role("button", name="Kontrollér").click()
    expect(page.locator("#modeler-status")).to_contain_text("Ingen problemer")


def test_a_team_lead_chooses_the_group_of_a_lane(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    select(page, "Lane_teamleder")
    expect(page.locator("#helper-lane-group")).to_have_value("teamleder")
    page.get_by_label("Gruppe, der arbejder i lanen").select_option("admin")
    page.get_by_role("button", name="Brug gruppen").click()
    expect(page.locator("#helper-lane-status")).to_have_text("Opgaver i lanen »Teamleder« går nu til gruppen admin.")
    expect(page.locator("#helper-group")).to_have_text("Gruppe: admin (lanen »Teamleder«)")
    open_modeler(page)  # stored, not only shown
    select(page, "Lane_teamleder")
    expect(page.locator("#helper-group")).to_have_text("Gruppe: admin (lanen »Teamleder«)")
    page.get_by_label("Gruppe, der arbejder i lanen").select_option("teamleder")  # as it was, for the tests after
    page.get_by_role("button", name="Brug gruppen").click()
    expect(page.locator("#helper-group")).to_have_text("Gruppe: teamleder (lanen »Teamleder«)")


def test_add_a_task_whose_form_is_missing_is_refused_with_a_marker(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    # Dragging from the palette is impractical in a test: create and connect through bpmn-js.
    page.evaluate("""(name) => {
        const m = window.casepathModeler, registry = m.get('elementRegistry'), modeling = m.get('modeling');
        const start = registry.get('Start_underretning'), flow = start.outgoing[0], next = flow.target;
        const lane = registry.get('Lane_raadgiver_boern');
        const shape = m.get('elementFactory').createShape({ type: 'bpmn:UserTask' });
        const pool = registry.get('Participant_underretning_boern');
        const task = modeling.createShape(shape, { x: 360, y: lane.y + 90 }, pool);
        modeling.updateProperties(task, { id: 'Task_tjek_sikkerhed', name: name });
        modeling.reconnectEnd(flow, task, { x: task.x + task.width / 2, y: task.y + task.height / 2 });
        modeling.connect(task, next);
        m.get('selection').select(task);
    }""", NEW_TASK)
    # The form key through the properties panel, the action card through the helper beside it.
    panel = page.locator("#properties")
    panel.get_by_text("Formular", exact=True).click()
    panel.get_by_label("Type").select_option(label="Formular med nøgle (formKey)")
    panel.get_by_label("Formularnøgle").fill(NEW_FORM)
    panel.get_by_label("Formularnøgle").press("Tab")
    expect(page.locator("#helper-group")).to_have_text("Gruppe: raadgiver-boern (lanen »Rådgiver (børn)«)")
    page.get_by_label("Handlingskort", exact=True).fill(
        "Ring til barnet på skolen, og spørg, om det er trygt at tale nu.")
    page.get_by_role("button", name="Brug handlingskortet").click()
    page.get_by_label("Fristregel").select_option("assessment_24h")
    page.get_by_role("button", name="Brug fristreglen").click()
    expect(page.locator("#helper-deadline-current")).to_have_text('Frist nu: deadline("assessment_24h", received_at)')

    page.get_by_role("button", name="Gem kladde").click()
    expect(page.locator("#modeler-status")).to_have_text("Kladden er gemt.")
    page.get_by_role("button", name="Udrul ny version …").click()  # the dialog names the problem, deploys nothing
    refusal = page.get_by_role("dialog").locator("#deploy-problems")
    expect(refusal).to_contain_text(f"formularen »{NEW_FORM}« findes ikke")
    expect(page.get_by_role("dialog").get_by_role("button", name="Udrul", exact=True)).to_be_disabled()
    page.get_by_role("dialog").get_by_role("button", name="Fortryd").click()
    page.get_by_role("button", name="Kontrollér").click()
    expect(page.locator("#modeler-status")).to_contain_text("1 problem")
    problem = page.locator("#problems li")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text(f"{NEW_TASK} (Task_tjek_sikkerhed): formularen »{NEW_FORM}« findes ikke endnu")
    expect(page.locator("[data-element-id=Task_tjek_sikkerhed].cp-problem")).to_have_count(1)
    expect(page.locator(".djs-overlay .cp-problem-badge")).to_have_count(1)
    select(page, "Lane_modtagerteam")
    problem.get_by_role("button").click()  # the list entry selects the element
    expect(page.locator("#helper-name")).to_have_text(NEW_TASK)
    screenshot(page, "modeler-03-refused-marker")
    page.goto("/processer/underretning_boern")
    expect(page.locator("#versions-title + .table-wrap tbody tr")).to_have_count(1)  # nothing was deployed
    expect(page.locator(".notice")).to_contain_text("Kladde gemt af teamleder")


def test_build_the_form_then_deploy(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    expect(page.locator("#modeler-source")).to_contain_text("Du redigerer kladden")
    page.locator("#form-list").get_by_role("link", name=NEW_FORM).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Formular {NEW_FORM}")
    expect(page.locator("#form-editor")).to_have_attribute("data-loaded", "true")
    page.evaluate("""(key) => window.casepathFormEditor.importSchema({type: 'default', id: key, components: [
        {type: 'text', text: 'Tal med barnet alene.'},
        {type: 'radio', key: 'safe_now', label: 'Er barnet i sikkerhed nu?', validate: {required: true},
         values: [{label: 'Ja', value: 'yes'}, {label: 'Nej', value: 'no'}]},
        {type: 'textarea', key: 'safety_note', label: 'Bemærkning'}]})""", NEW_FORM)
    page.get_by_role("button", name="Vis forhåndsvisning").click()
    expect(page.locator("#form-preview")).to_contain_text("Er barnet i sikkerhed nu?")
    page.get_by_role("button", name="Gem formularen i kladden").click()
    expect(page.locator("#form-status")).to_have_text("Formularen er gemt i kladden.")
    screenshot(page, "modeler-04-form-editor")
    assert_accessible(page, "form-editor")

    page.get_by_role("link", name="Tilbage til diagrammet").click()
    expect(page.locator("#modeler")).to_have_attribute("data-loaded", "true")
    page.get_by_role("button", name="Kontrollér").click()
    expect(page.locator("#modeler-status")).to_have_text("Ingen problemer: diagrammet kan udrulles.")
    deploy_with_dialog(page, "Ny opgave: tjek barnets sikkerhed")
    expect(page.locator("#modeler-status")).to_have_text("Version 2 af underretning_boern er udrullet.")
    screenshot(page, "modeler-05-deployed")
    page.goto("/processer")
    rows = page.locator("section.process-card", has_text="underretning_boern").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Ny opgave: tjek barnets sikkerhed")
    expect(rows.nth(1).locator("td").last).to_have_text("2")
    assert csp_problems(live_server) == []


def test_new_case_gets_the_new_task_older_cases_stay(page, live_server):
    flows.login(page, "modtager")
    reference = flows.register_notification(page, hours_ago=1)
    flows.logout(page)
    flows.login(page, "raadgiver")
    expect(flows.row(page, "candidate", reference, NEW_TASK)).to_have_count(1)
    screenshot(page, "modeler-06-inbox-new-task")
    flows.row(page, "candidate", reference, NEW_TASK).get_by_role("button", name=re.compile("Tag opgaven")).click()
    flows.row(page, "mine", reference, NEW_TASK).get_by_role("link", name=NEW_TASK).click()
    expect(page.locator(".action-card")).to_contain_text("Ring til barnet på skolen")
    expect(page.get_by_text("Er barnet i sikkerhed nu?")).to_be_visible()
    flows.logout(page)
    flows.login(page, "teamleder")
    for old in live_server.old_cases:
        flows.open_case(page, old)
        expect(page.locator(".summary")).to_contain_text("(version 1)")
        expect(page.locator("#tasks-title + .table-wrap")).not_to_contain_text(NEW_TASK)
    flows.open_case(page, reference)
    expect(page.locator(".summary")).to_contain_text("(version 2)")


def test_versions_viewer_download_and_changes(page, live_server):
    flows.login(page, "teamleder")
    page.goto("/processer/underretning_boern")
    page.get_by_role("link", name="Vis version 1").click()
    expect(page.locator("#viewer")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#viewer .bjs-powered-by")).to_be_visible()
    assert page.locator("#viewer .djs-palette").count() == 0  # read-only: no modeling tools
    screenshot(page, "modeler-07-version-viewer")
    download = page.request.get("/processer/underretning_boern/versioner/1.bpmn")
    assert download.ok and b'id="underretning_boern"' in download.body()
    assert "attachment" in download.headers["content-disposition"]
    page.goto("/processer/underretning_boern")
    page.get_by_role("button", name="Vis ændringer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ændringer fra version 1 til 2")
    expect(page.locator("table").first).to_contain_text("Task_tjek_sikkerhed")
    expect(page.locator("table").first).to_contain_text(NEW_TASK)
    screenshot(page, "modeler-08-changes")
    assert_accessible(page, "changes")


def test_dry_run_then_move_a_chosen_case(page, live_server):
    flows.login(page, "teamleder")
    page.goto("/processer/underretning_boern")
    page.get_by_role("link", name="Flyt sager fra version 1").click()
    page.get_by_label("Kun de sager, jeg vælger herunder").check()
    moving = live_server.old_cases[0]
    page.get_by_label(f"Vælg sag {moving}").check()
    page.get_by_role("button", name="Prøvekørsel").click()
    result = page.locator("#result-title + .table-wrap tbody tr")
    expect(result).to_have_count(1)
    expect(result.first).to_contain_text(moving)
    expect(result.first).to_contain_text("Kan flyttes")
    screenshot(page, "modeler-09-dry-run")
    assert_accessible(page, "migration")
    page.get_by_role("button", name="Flyt 1 sag til version 2").click()
    expect(page.locator("#result-title + .table-wrap tbody tr").first).to_contain_text("Flyttet")
    flows.open_case(page, moving)
    expect(page.locator(".summary")).to_contain_text("(version 2)")
    expect(page.locator(".timeline")).to_contain_text("Sagen er flyttet fra version 1 til version 2")
    flows.open_case(page, live_server.old_cases[1])
    expect(page.locator(".summary")).to_contain_text("(version 1)")


def test_an_invalid_condition_shows_the_marker_and_does_not_deploy(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    flow_id = page.evaluate("""() => { const m = window.casepathModeler, registry = m.get('elementRegistry');
        const flow = registry.filter(e => e.type === 'bpmn:SequenceFlow' && e.businessObject.conditionExpression)[0];
        const expr = m.get('moddle').create('bpmn:FormalExpression', { body: "__import__('os').system('id')" });
        m.get('modeling').updateProperties(flow, { conditionExpression: expr });
        return flow.id; }""")
    page.get_by_role("button", name="Kontrollér").click()
    expect(page.locator("#modeler-status")).to_contain_text("1 problem")
    expect(page.locator(f"[data-element-id={flow_id}].cp-problem").first).to_be_attached()
    expect(page.locator("#problems li")).to_contain_text(flow_id)
    page.get_by_role("button", name="Udrul ny version …").click()
    expect(page.get_by_role("dialog")).to_have_attribute("data-ready", "blocked")
    page.get_by_role("dialog").get_by_role("button", name="Fortryd").click()
    screenshot(page, "modeler-10-invalid-condition")
    page.goto("/processer/underretning_boern")
    expect(page.locator("#versions-title + .table-wrap tbody tr")).to_have_count(2)  # still versions 1 and 2
    page.get_by_role("link", name="Redigér i modelleringsværktøjet").click()
    expect(page.locator("#modeler")).to_have_attribute("data-loaded", "true")


@pytest.mark.skipif(not MIWG.exists(), reason="shared/conformance/miwg is not beside the project")
def test_a_miwg_file_opens_and_its_refusal_names_the_reason(page, live_server):
    flows.login(page, "teamleder")
    page.goto("/processer")
    page.get_by_label("BPMN-fil (.bpmn eller .xml)").set_input_files(str(MIWG))
    page.get_by_role("button", name="Åbn i modelleringsværktøjet").click()
    expect(page.get_by_role("status").first).to_contain_text("er åbnet som kladde")
    expect(page.locator("#modeler")).to_have_attribute("data-loaded", "true")
    page.get_by_role("button", name="Kontrollér").click()
    expect(page.locator("#modeler-status")).to_contain_text("kan ikke udrulles")
    expect(page.locator("#problems")).to_contain_text("betingelsen er skrevet som et Camunda/JUEL-udtryk")
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Archive Invoice (archiveInvoice): serviceopgaver understøttes ikke")
    expect(page.locator(".djs-element.cp-problem").first).to_be_visible()
    screenshot(page, "modeler-11-miwg-refused")
    assert csp_problems(live_server) == []


def test_admin_edits_a_deadline_rule_with_danish_messages(page, live_server):
    flows.login(page, "admin")
    page.get_by_role("link", name="Frister").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fristregler")
    page.get_by_role("link", name=re.compile("assessment_24h")).click()
    page.get_by_label("Antal").fill("mange")
    page.get_by_label("Navn").fill("")
    page.get_by_role("button", name="Gem fristreglen").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#amount-error")).to_contain_text("Skriv et helt tal fra 1 til 1000.")
    expect(page.locator("#name-error")).to_contain_text("Skriv et navn.")
    screenshot(page, "modeler-12-rule-errors")
    assert_accessible(page, "rule-errors")
    page.get_by_label("Navn").fill("Vurdering inden for 12 timer")
    page.get_by_label("Antal").fill("12")
    page.get_by_label("Begrundelse for ændringen").fill("Beredskabsplanen")
    page.get_by_role("button", name="Gem fristreglen").click()
    expect(page.get_by_role("status").first).to_contain_text("Fristreglen assessment_24h er gemt.")
    log = page.locator("#changes-title + .table-wrap")
    expect(log).to_contain_text("admin")
    expect(log).to_contain_text("24")
    expect(log).to_contain_text("12")
    screenshot(page, "modeler-13-rule-saved")
    flows.logout(page)
    flows.login(page, "teamleder")
    page.goto("/admin/frister")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen adgang")


def test_admin_deactivates_a_leaver_in_the_browser(page, live_server):
    flows.login(page, "admin")
    page.get_by_role("link", name="Brugere").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brugere")
    assert_accessible(page, "users")
    page.get_by_role("link", name=re.compile("^raadgiver")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bruger raadgiver")
    page.get_by_label("raadgiver-boern").uncheck()
    page.get_by_role("button", name="Gem brugeren").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#groups-error")).to_contain_text("Vælg mindst én gruppe.")
    screenshot(page, "modeler-14-user-errors")
    assert_accessible(page, "user-errors")
    page.get_by_label("raadgiver-boern").check()
    page.get_by_label("Aktiv – kan logge ind og bruge API'et").uncheck()
    page.get_by_role("button", name="Gem brugeren").click()
    expect(page.get_by_role("status").first).to_contain_text("raadgiver er gemt.")
    page.get_by_role("link", name="Brugere").first.click()
    expect(page.get_by_role("row", name=re.compile("^raadgiver "))).to_contain_text("Deaktiveret")
    flows.logout(page)
    page.goto("/log-ind")
    page.get_by_label("Brugernavn").fill("raadgiver")
    page.get_by_label("Adgangskode").fill(flows.PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("alert")).to_contain_text("Forkert brugernavn eller adgangskode.")
