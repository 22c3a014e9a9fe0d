"""The inbox and a task page fit a phone (390 px wide, issue 18): no horizontal scrolling, and the task's
actions are on the screen. The shipped workflows/ run one children's case; the reception's caseworker
claims the 24-hour assessment. Screenshots: test-artifacts/ui-mobile-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

import tests.ui.test_browser as flows
from engine.cases.service import open_case
from tests.ui.conftest import LiveServer, create_users, run_axe, screenshot, serve
from tests.ui.test_modeler_browser import USERS, deploy_workflows

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

WIDTH = 390
ASSESS = "Vurdér inden for 24 timer, om barnet er i fare"


@dataclass
class MobileServer(LiveServer):
    """The running app and the reference of its open case."""

    reference: str = ""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MobileServer]:
    """The app with workflows/ deployed and one children's case open."""
    def setup(session) -> str:
        users = create_users(session, USERS)
        deploy_workflows(session)
        received = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
        return open_case(session, "underretning_boern", {"received_at": received, "source": "school"},
                         users["modtager"]).case.reference

    with serve(tmp_path_factory.mktemp("mobile"), setup) as (url, settings, reference):
        yield MobileServer(url, settings, reference=reference)


@pytest.fixture
def phone(browser, live_server):
    """A page 390 px wide, as on a phone."""
    context = browser.new_context(base_url=live_server.url, locale="da-DK", timezone_id="Europe/Copenhagen",
                                  viewport={"width": WIDTH, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def overflow(page) -> dict[str, object]:
    """The page's width and the elements that stick out to the right of the screen."""
    return page.evaluate("""(width) => ({
        scroll: document.scrollingElement.scrollWidth,
        wide: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 1
            && !e.closest('.table-wrap, .visually-hidden') && getComputedStyle(e).position !== 'fixed')
            .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
    })""", WIDTH)


def test_inbox_and_task_fit_a_phone(phone, live_server):
    reference = live_server.reference
    flows.login(phone, "modtager")
    found = overflow(phone)
    screenshot(phone, "mobile-01-inbox")
    assert found["scroll"] <= WIDTH, found
    assert run_axe(phone, "mobile-inbox") == []
    row = flows.row(phone, "candidate", reference, ASSESS)
    row.get_by_role("button", name=re.compile("Tag opgaven")).click()
    flows.row(phone, "mine", reference, ASSESS).get_by_role("link", name=ASSESS).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(ASSESS)
    found = overflow(phone)
    screenshot(phone, "mobile-02-task")
    assert found["scroll"] <= WIDTH, found
    complete = phone.get_by_role("button", name="Udfør opgaven")
    complete.scroll_into_view_if_needed()
    box = complete.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, box
    assert run_axe(phone, "mobile-task") == []
