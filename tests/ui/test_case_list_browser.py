"""Finding cases in a real browser: a caseworker finds a case on /sager by part of its reference,
the header's "Find sag" searches free text without putting it in the address, and the list and the
inbox (markers, hours left, sorting, saved filters) pass axe. Screenshots: /tmp/shots/list-*.png and
test-artifacts/ui-list-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import tests.ui.test_browser as flows
from engine.cases.owner import set_owner
from engine.cases.service import open_case
from engine.process_models.service import deploy
from tests.ui.conftest import LiveServer, create_users, screenshot, serve

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

FINDABLE = Path(__file__).resolve().parents[1] / "data" / "findable.bpmn"
USERS = {"teamleder": ["teamleder"], "raadgiver": ["raadgiver-boern"], "modtager": ["modtagerteam"]}
SHOTS = Path("/tmp/shots")
CASES = [(30, {"school_name": "Nørrebro Skole", "risk_level": "high", "acute": True}),
         (3, {"school_name": "Valby Skole", "risk_level": "medium"}), (6, {"notifier_org": "Krisecentret Nord"}),
         (1, {"risk_level": "low"}), (50, {"school_name": "Amager Skole"})]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with findable.bpmn and five cases, the first three kept by "raadgiver"."""
    def setup(session) -> list[str]:
        users = create_users(session, USERS)
        deploy(session, FINDABLE.read_bytes(), actor=users["teamleder"], filename="findable.bpmn")
        refs = []
        for number, (hours, data) in enumerate(CASES):
            received = datetime.now(UTC) - timedelta(hours=hours)
            opened = open_case(session, "findable", {"received_at": received.isoformat(), **data},
                               users["teamleder"], lambda received=received: received)
            refs.append(opened.case.reference)
            if number < 3:
                set_owner(session, opened.case.id, "raadgiver", users["teamleder"])
        return refs

    with serve(tmp_path_factory.mktemp("list"), setup) as (url, settings, refs):
        server = LiveServer(url, settings)
        server.refs = refs  # type: ignore[attr-defined]
        yield server


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"list-{name}.png"), full_page=True)
    screenshot(page, f"list-{name}")


def test_a_caseworker_finds_a_case_by_part_of_its_reference(page, live_server):
    refs = live_server.refs
    flows.login(page, "raadgiver")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Sager").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sager")
    table = page.locator("table.cases")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr").first).to_contain_text("Akut")
    _shot(page, "sager")
    flows.assert_accessible(page, "case-list")
    number = refs[1].split("-")[1].lstrip("0")  # e.g. "2" of 2026-000002
    page.get_by_label("Søg", exact=True).fill(refs[1][-4:])  # the last four digits
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text(refs[1])
    assert page.url.endswith("/sager") and number not in page.url.split("/sager")[-1]  # the term is not in the URL
    _shot(page, "search")
    table.get_by_role("link", name=refs[1]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sag {refs[1]}")
    overview = page.locator("#overblik")
    expect(overview).to_contain_text("t tilbage")
    _shot(page, "case-header")
    # The header's search takes free text too, and a whole reference goes straight to the case.
    page.get_by_label("Find sag").fill("valby")
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.locator("table.cases tbody tr")).to_have_count(1)
    expect(page.locator("table.cases")).to_contain_text(refs[1])
    assert "valby" not in page.url.lower()
    page.get_by_label("Find sag").fill(refs[0])
    page.get_by_role("button", name="Find", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sag {refs[0]}")


def test_the_team_leads_list_sorts_filters_and_saves_a_filter(page, live_server):
    refs = live_server.refs
    flows.login(page, "teamleder")
    page.goto("/sager?visning=alle")
    rows = page.locator("table.cases tbody tr")
    expect(rows).to_have_count(5)
    page.locator("table.cases thead").get_by_role("link", name="Sag").click()
    expect(rows.first).to_contain_text(refs[0])
    page.locator("table.cases thead").get_by_role("link", name="Sag").click()  # again: the other way
    expect(rows.first).to_contain_text(refs[-1])
    page.get_by_label("Risiko", exact=True).select_option("high")
    page.get_by_role("button", name="Søg", exact=True).click()
    expect(rows).to_have_count(1)
    assert re.search(r"risiko=high", page.url)
    page.get_by_label("Gem de valgte filtre som").fill("Høj risiko")
    page.get_by_role("button", name="Gem filter").click()
    expect(page.get_by_role("status")).to_contain_text("Filteret \"Høj risiko\" er gemt.")
    page.goto("/sager")
    page.get_by_role("link", name="Høj risiko").click()
    expect(rows).to_have_count(1)
    _shot(page, "sager-lead")
    flows.assert_accessible(page, "case-list-lead")


def test_the_inbox_shows_markers_and_hours_left(page, live_server):
    flows.login(page, "modtager")
    rows = page.locator("#section-candidate").locator("xpath=..").locator("tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("main")).to_contain_text("t tilbage")
    expect(page.locator("main")).to_contain_text("Risiko: Høj")
    page.get_by_role("link", name="Risiko").first.click()
    expect(rows.first).to_contain_text("Akut")
    _shot(page, "inbox")
    flows.assert_accessible(page, "inbox-markers")
