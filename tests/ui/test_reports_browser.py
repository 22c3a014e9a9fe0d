"""The report page in a real browser: a team lead sees the charts drawn with their tables beside them,
no console errors (the CSP holds), axe passes and a CSV downloads. Screenshot: /tmp/shots/rapporter.png
and test-artifacts/ui-rapporter.png. The data are generated relative to the real clock the live server
runs on (bench/report_data.py), so no figure depends on today's date."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

import tests.ui.test_browser as flows
from bench.report_data import fill
from bench.reports import deploy_shipped
from engine.db import make_engine
from tests.ui.conftest import LiveServer, create_users, run_axe, screenshot, serve

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

USERS = {"teamleder": ["teamleder"], "raadgiver": ["raadgiver-boern"], "raadgiver2": ["raadgiver-voksen"]}
SHOTS = Path("/tmp/shots")


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with the shipped workflows and 400 cases of the last half year."""
    def setup(session) -> None:
        users = create_users(session, USERS)
        versions = deploy_shipped(session)
        fill(session.connection(), versions, [users["raadgiver"].id, users["raadgiver2"].id], 400,
             datetime.now(UTC), days=180)
        session.commit()

    with serve(tmp_path_factory.mktemp("reports"), setup) as (url, settings, _):
        yield LiveServer(url, settings)


def test_team_lead_sees_the_reports_drawn(page, live_server):
    live_server.problems.clear()
    flows.login(page, "teamleder")
    page.get_by_role("link", name="Rapporter").click()
    expect(page.get_by_role("heading", level=1, name="Rapporter")).to_be_visible()
    expect(page.get_by_role("heading", name="Overholdelse af frister")).to_be_visible()
    canvases = page.locator("canvas[data-chart]")
    assert canvases.count() == 8
    drawn = page.evaluate("() => [...document.querySelectorAll('canvas[data-chart]')]"
                          ".map(c => Boolean(Chart.getChart(c)) && c.width > 0)")
    assert all(drawn), drawn
    receipt = page.get_by_role("row", name=re.compile(r"^Kvittering til underretter"))
    expect(receipt).to_be_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "rapporter.png"), full_page=True)
    screenshot(page, "rapporter")
    assert run_axe(page, "rapporter") == []
    with page.expect_download() as info:
        page.get_by_role("link", name="Hent som CSV").first.click()
    download = info.value
    assert download.suggested_filename.startswith("rapport-deadlines-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("rule;law_reference;used_unit;month;total")
    assert live_server.problems == []


def test_caseworkers_have_no_report_page(page, live_server):
    flows.login(page, "raadgiver")
    expect(page.get_by_role("link", name="Rapporter")).to_have_count(0)
    response = page.goto("/rapporter")
    assert response.status == 403


def _waiting_now(settings, element: str) -> int:
    """Open cases waiting at `element`, counted straight from the tables."""
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT count(DISTINCT tasks.case_id) FROM tasks JOIN cases ON cases.id = tasks.case_id "
                "WHERE tasks.state = 'READY' AND cases.status = 'open' AND tasks.bpmn_id = :e"),
                {"e": element}).scalar()
    finally:
        engine.dispose()


def test_heatmap_overlays_carry_the_counts(page, live_server):
    live_server.problems.clear()
    flows.login(page, "teamleder")
    page.goto("/processer/underretning_boern")
    expect(page.locator("#heatmap[data-loaded='true']")).to_be_attached()
    for element in ("Task_undersoegelse", "Task_boernesamtale"):
        expected = _waiting_now(live_server.settings, element)
        assert expected >= 5  # the generated half year leaves enough waiting to show a number
        overlay = page.locator(f".heat-badge[data-element='{element}']")
        expect(overlay).to_have_attribute("data-waiting", str(expected))
        expect(overlay).to_contain_text(f"{expected} venter")
        row = page.locator(f"tr[data-element='{element}']")
        expect(row.locator("td").first).to_have_text(str(expected))
    assert page.locator(".heat-flag").count() >= 1  # the elements that miss their deadline most are marked
    page.screenshot(path=str(SHOTS / "heatmap.png"), full_page=True)
    assert run_axe(page, "heatmap") == []
    assert live_server.problems == []
