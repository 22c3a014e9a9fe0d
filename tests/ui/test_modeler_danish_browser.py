"""The modeler and the form editor speak Danish (issue 18): bpmn-js, its properties panel, bpmnlint and the
form-js editor are translated, and a deadline is picked from the rules by their Danish names.

The scan collects what a team lead sees (visible text, tooltips, placeholders) in the modeler with a
user task's context pad, its "change type" menu and every group of its properties open, and in the form
editor with a text field's properties open, then fails on any known English word or phrase.
Screenshots: test-artifacts/ui-modeler-da-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

import tests.ui.test_browser as flows
from tests.ui.conftest import LiveServer, create_users, screenshot, serve
from tests.ui.test_modeler_browser import USERS, assert_accessible, deploy_workflows, open_modeler, select

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

# English a team lead would meet untranslated. Words that are Danish too (type, id, gateway, lane,
# pool, start, format, script, timer, element, for, to) are not listed.
ENGLISH = [
    "create", "append", "change", "delete", "connect", "activate", "tool", "general", "documentation", "name",
    "task", "user task", "default flow", "sequence flow", "conditional flow", "text field", "text area", "key",
    "label", "must be", "variable", "search", "input", "selection", "presentation", "containers", "validation",
    "required", "appearance", "condition", "properties", "process", "collaboration", "participant", "event",
    "errors", "warnings", "no issues", "toggle", "empty", "add", "remove", "field", "description",
    "default value", "disabled", "read only", "columns", "custom", "form", "message", "signal",
    "escalation", "error", "expression", "inclusive", "exclusive", "parallel", "intermediate", "boundary",
    "sub-process", "call activity", "data object", "data store", "annotation", "group", "open", "close",
    "select", "value", "values", "options", "number", "checkbox", "radio", "date", "assignment", "candidate",
    "due date", "priority", "executable", "version tag", "cycle", "duration", "the", "with", "this", "click",
    "drag", "drop", "here", "components", "issues", "none", "list", "item", "items", "section", "contains",
    "edits", "hand", "space", "global", "divide", "above", "below", "implementation",
    "binds", "pattern", "minimum", "maximum", "length", "prefix", "suffix", "subtype", "placeholder", "hide",
    "text", "view", "build", "your", "clicks", "components", "dynamic", "static", "source", "supports",
    "learn", "more", "markdown", "templating",
]
_PATTERN = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(set(ENGLISH), key=len, reverse=True))
                      + r")(?![\w-])", re.IGNORECASE)



@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with the shipped workflows/ deployed."""
    def setup(session) -> None:
        users = create_users(session, {**USERS, "leader_en": ["teamleder"]})
        users["leader_en"].locale = "en"  # the second locale
        session.commit()
        deploy_workflows(session)

    with serve(tmp_path_factory.mktemp("modeler-da"), setup) as (url, settings, _):
        yield LiveServer(url, settings)


COLLECT = """(selectors) => {
    const seen = new Set();
    const visible = (el) => !!(el && el.getClientRects().length) && getComputedStyle(el).visibility !== 'hidden';
    for (const selector of selectors) {
        for (const root of document.querySelectorAll(selector)) {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode, text = node.data.trim();
                if (!text || !visible(node.parentElement)) continue;
                // Diagram labels are the team lead's own (Danish) words, not bpmn-js's.
                if (node.parentElement.closest('.djs-visual, .djs-label, .bio-properties-panel-header-label')) continue;
                seen.add(text);
            }
            for (const el of root.querySelectorAll('[title], [aria-label], [placeholder], [data-title]')) {
                if (!visible(el)) continue;
                for (const attr of ['title', 'aria-label', 'placeholder', 'data-title']) {
                    const value = (el.getAttribute(attr) || '').trim();
                    if (value) seen.add(value);
                }
            }
        }
    }
    return [...seen];
}"""


def english(texts: list[str]) -> list[str]:
    """The texts holding a known English word; ids and keys (words with "_") are not words."""
    def split(match: re.Match[str]) -> str:
        return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", match[0])

    def words(text: str) -> str:
        text = re.sub(r"\S*_\S*", " ", text)
        return re.sub(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b", split, text)  # "BoundaryEvent" too

    return sorted(t for t in texts if _PATTERN.search(words(t)))


def open_every_group(page, panel: str) -> None:
    page.evaluate("""(panel) => {
        for (const h of document.querySelectorAll(panel + ' .bio-properties-panel-group-header'))
        { if (!h.classList.contains('open')) h.click(); } }""", panel)


def test_the_modeler_speaks_danish(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    select(page, "Task_kvittering")
    open_every_group(page, "#properties")
    page.locator(".djs-context-pad .entry[data-action='replace']").click()
    expect(page.locator(".djs-popup")).to_be_visible()
    texts = page.evaluate(COLLECT, ["#modeler", ".djs-popup"])
    screenshot(page, "modeler-da-01-user-task")
    assert "Brugeropgave" in " ".join(texts)
    page.keyboard.press("Escape")
    for element in ("Participant_underretning_boern", "Gateway_beslutning", "Flow_videre", "Boundary_24_timer",
                    "Lane_raadgiver_boern", "Start_underretning"):
        select(page, element)
        open_every_group(page, "#properties")
        texts += page.evaluate(COLLECT, ["#modeler"])
    page.evaluate("() => window.casepathModeler.get('selection').select([])")
    open_every_group(page, "#properties")  # the process (collaboration) itself
    texts += page.evaluate(COLLECT, ["#modeler"])
    screenshot(page, "modeler-da-02-collaboration")
    assert english(texts) == []
    assert_accessible(page, "modeler-danish")


def test_the_form_editor_speaks_danish(page, live_server):
    flows.login(page, "teamleder")
    page.goto("/processer/underretning_boern/formularer/underretning_start")
    expect(page.locator("#form-editor")).to_have_attribute("data-loaded", "true")
    texts = page.evaluate(COLLECT, ["#form-editor"])
    page.locator("#form-canvas .fjs-element[data-id]").first.click()  # a text view
    texts += page.evaluate(COLLECT, ["#form-editor"])
    page.locator("#form-canvas .fjs-element[data-id]", has_text="Underretterens organisation").last.click()
    open_every_group(page, "#form-properties")
    expect(page.locator("#form-properties")).to_contain_text("Nøgle")
    texts += page.evaluate(COLLECT, ["#form-editor"])
    screenshot(page, "modeler-da-03-form-editor")
    assert english(texts) == []
    assert_accessible(page, "form-editor-danish")


def test_an_invalid_form_key_is_not_reported_as_saved(page, live_server):
    flows.login(page, "teamleder")
    page.goto("/processer/underretning_boern/formularer/underretning_start")
    expect(page.locator("#form-editor")).to_have_attribute("data-loaded", "true")
    page.locator("#form-canvas .fjs-element[data-id]", has_text="Underretterens organisation").last.click()
    open_every_group(page, "#form-properties")
    key = page.locator("#form-properties").get_by_label("Nøgle", exact=True)
    key.fill("2 ugyldig nøgle")
    key.press("Tab")
    expect(page.locator("#form-properties")).to_contain_text("Skal være et variabelnavn")
    page.get_by_role("button", name="Gem formularen i kladden").click()
    expect(page.locator("#form-status")).to_have_class(re.compile("modeler-status--error"))
    expect(page.locator("#form-status")).not_to_contain_text("er gemt")
    screenshot(page, "modeler-da-04-invalid-key")


def test_a_deadline_is_picked_by_the_rules_danish_name(page, live_server):
    flows.login(page, "teamleder")
    open_modeler(page)
    select(page, "Boundary_24_timer")
    rule = page.get_by_label("Fristregel")
    expect(rule).to_have_value("assessment_24h")  # the rule already on the timer
    options = rule.locator("option").all_inner_texts()
    assert not any("_" in text for text in options), options  # names, not keys
    rule.select_option("receipt_6_workdays")
    start = page.get_by_label("Tælles fra feltet")
    assert "Modtaget (sagens modtagelsestidspunkt)" in start.locator("option").all_inner_texts()
    start.select_option("received_at")
    page.get_by_role("button", name="Brug fristreglen").click()
    expected = 'deadline("receipt_6_workdays", received_at)'
    expect(page.locator("#helper-deadline-current")).to_contain_text(expected)
    xml = page.evaluate("async () => (await window.casepathModeler.saveXML()).xml")
    assert expected in xml.split('id="Boundary_24_timer"', 1)[1].split("</bpmn:boundaryEvent>", 1)[0]
    open_every_group(page, "#properties")
    name_box = page.evaluate("""() => { const input = document.querySelector('#properties #bio-properties-panel-name');
        return input ? input.getBoundingClientRect().height : -1; }""")
    assert name_box > 20, f"the Navn box is {name_box} px high"
    screenshot(page, "modeler-da-05-deadline-picked")
    assert_accessible(page, "modeler-deadline")


def test_an_english_speaking_team_lead_gets_the_english_dictionary(page, live_server):
    page.goto("/log-ind")
    page.get_by_label("Brugernavn").fill("leader_en")
    page.get_by_label("Adgangskode").fill(flows.PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1, name="Inbox")).to_be_visible()
    open_modeler(page)
    select(page, "Task_kvittering")
    header = page.locator("#properties .bio-properties-panel-header-type")
    expect(header).to_have_text(re.compile("user task", re.IGNORECASE))
    expect(page.locator("#properties")).to_contain_text("Assignment and due date")  # casepath's own name
    page.goto("/processer/underretning_boern/formularer/underretning_start")
    expect(page.locator("#form-editor")).to_have_attribute("data-loaded", "true")
    expect(page.locator("#form-canvas .fjs-palette")).to_contain_text("Text field")
