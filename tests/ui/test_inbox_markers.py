"""The inbox's case markers (risk, acute), hours left on clock-hour deadlines and column sorting, with
Flask's test client (both databases).

The app's clock is fixed (service_clock): no test depends on today's date.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from engine.cases.service import open_case
from engine.process_models.service import deploy
from engine.tasks import service as tasks
from tests.ui.helpers import login, make_user, text

T0 = "2026-11-23T10:00:00+01:00"  # a Monday
FINDABLE = Path(__file__).resolve().parents[1] / "data" / "findable.bpmn"


@pytest.fixture
def world(db_session, service_clock):
    """Three intakes waiting for the reception (24 clock hours): received 3, 30 and 1 hours ago, the
    first acute and high risk, the third low; and one case past its intake, whose assessment (6
    working days) waits for the children's caseworkers. Returns the references in opening order."""
    service_clock.set(T0)
    lead = make_user(db_session, "i-lead", "teamleder")
    reception = make_user(db_session, "i-reception", "modtagerteam")
    make_user(db_session, "i-admin", "admin")
    make_user(db_session, "i-raadgiver", "raadgiver-boern")
    deploy(db_session, FINDABLE.read_bytes(), actor=lead, filename="findable.bpmn")
    at = datetime.fromisoformat(T0)
    refs = []
    for hours, data in ((3, {"risk_level": "high", "acute": True}), (30, {}), (1, {"risk_level": "low"}),
                        (2, {"risk_level": "medium"})):
        received = at - timedelta(hours=hours)
        opened = open_case(db_session, "findable", {"received_at": received.isoformat(), **data}, lead,
                           lambda received=received: received)
        refs.append(opened.case.reference)
    tasks.complete(db_session, opened.tasks[0].id, {}, reception, lambda: at - timedelta(hours=1))
    return refs


def _client(app, name):
    client = app.test_client()
    assert login(client, f"i-{name}").status_code == 302
    return client


def _rows(html: str, section: str) -> list[str]:
    """The rows of one inbox section, as text."""
    part = html.split(f'id="section-{section}"', 1)[1].split("</section>", 1)[0]
    return part.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("</tr>")[:-1] if "<tbody>" in part else []


def _refs(rows: list[str]) -> list[str]:
    return [re.search(r"\d{4}-\d{6}", row).group(0) for row in rows]


def test_each_task_shows_its_case_markers_and_the_hours_left(app, world):
    refs = world
    rows = _rows(text(_client(app, "reception").get("/")), "candidate")
    assert _refs(rows) == [refs[1], refs[0], refs[2]]  # by deadline
    overdue, acute, low = rows
    assert "Overskredet" in overdue and "Ikke vurderet" in overdue and "t tilbage" not in overdue
    assert "21 t tilbage" in acute and "Under 1 arbejdsdag" not in acute
    assert "Akut" in acute and "Risiko: Høj" in acute
    assert "23 t tilbage" in low and "Risiko: Lav" in low
    # A deadline counted in working days keeps the working-day wording: 6 working days away, no badge.
    (assessment,) = _rows(text(_client(app, "raadgiver").get("/")), "candidate")
    assert "Risiko: Middel" in assessment and "t tilbage" not in assessment and "arbejdsdag" not in assessment


def test_an_administrator_sees_no_markers_and_a_team_lead_does(app, world):
    admin = _rows(text(_client(app, "admin").get("/")), "all")
    assert len(admin) == 4 and not any("Risiko:" in row or "Akut</strong>" in row for row in admin)
    lead = _rows(text(_client(app, "lead").get("/")), "all")
    assert sum("Risiko:" in row for row in lead) == 3 and sum("Akut</strong>" in row for row in lead) == 1


def test_columns_sort_both_ways(app, world):
    refs = world
    client = _client(app, "reception")
    by_risk = _refs(_rows(text(client.get("/?sortering=risiko")), "candidate"))
    assert by_risk == [refs[0], refs[2], refs[1]]  # acute and high, low, not assessed
    assert _refs(_rows(text(client.get("/?sortering=-risiko")), "candidate")) == [refs[1], refs[2], refs[0]]
    assert _refs(_rows(text(client.get("/?sortering=sag")), "candidate")) == refs[:3]
    assert _refs(_rows(text(client.get("/?sortering=-sag")), "candidate")) == refs[:3][::-1]
    assert _refs(_rows(text(client.get("/?sortering=-frist")), "candidate")) == [refs[2], refs[0], refs[1]]
    html = text(client.get("/?sortering=sag&proces=findable"))
    assert 'aria-sort="ascending"><a href="/?sortering=-sag&amp;proces=findable">Sag</a>' in html
    assert 'name="sortering" value="sag"' in html  # filtering keeps the sorting
    assert _refs(_rows(text(client.get("/?sortering=nonsense")), "candidate")) == [refs[1], refs[0], refs[2]]

