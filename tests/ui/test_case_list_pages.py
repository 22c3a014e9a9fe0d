"""The case list ("/sager") and saved filters with Flask's test client (both databases).

The app's clock is fixed (service_clock): no test depends on today's date.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.cases.access import CaseAccess
from engine.cases.owner import set_owner
from engine.cases.service import open_case
from engine.process_models.service import deploy
from engine.users.saved_filters import SavedFilter
from tests.ui.helpers import login, make_user, post, text

T0 = "2026-11-23T10:00:00+01:00"  # a Monday
FINDABLE = Path(__file__).resolve().parents[1] / "data" / "findable.bpmn"


@pytest.fixture
def world(db_session, service_clock):
    """Three cases: the owner keeps the first (high risk, acute, overdue) and the second; the third
    waits for the reception. Returns (users by name, the cases' references)."""
    service_clock.set(T0)
    users = {name: make_user(db_session, f"c-{name}", *groups) for name, groups in (
        ("lead", ["teamleder"]), ("owner", ["raadgiver-boern"]), ("reception", ["modtagerteam"]),
        ("admin", ["admin"]), ("stranger", ["raadgiver-voksen"]))}
    deploy(db_session, FINDABLE.read_bytes(), actor=users["lead"], filename="findable.bpmn")
    at = datetime.fromisoformat(T0)
    refs = []
    for hours, data in ((30, {"school_name": "Nørrebro Skole", "risk_level": "high", "acute": True}),
                        (3, {"school_name": "Valby Skole", "risk_level": "low"}), (5, {})):
        received = at - timedelta(hours=hours)
        data = {"received_at": received.isoformat(), **data}
        opened = open_case(db_session, "findable", data, users["lead"], lambda received=received: received)
        refs.append(opened.case.reference)
        if len(refs) < 3:
            set_owner(db_session, opened.case.id, "c-owner", users["lead"], lambda: at)
    return users, refs


def _client(app, name):
    client = app.test_client()
    assert login(client, f"c-{name}").status_code == 302
    return client


def _listed(html: str) -> list[str]:
    table = html.split('<table class="cases">', 1)[1].split("</table>", 1)[0] if 'class="cases"' in html else ""
    return re.findall(r">(\d{4}-\d{6})</a>", table)


def test_mine_lists_the_owners_cases_with_risk_acute_and_time_left(app, world):
    _users, refs = world
    html = text(_client(app, "owner").get("/sager"))
    assert _listed(html) == refs[:2]  # by next deadline: the overdue one first
    row = html.split(refs[0], 1)[1].split("</tr>", 1)[0]
    assert "Akut" in row and "Risiko: Høj" in row and "Overskredet" in row
    later = html.split(refs[1], 1)[1].split("</tr>", 1)[0]
    assert "Risiko: Lav" in later and "21 t tilbage</strong>" in later  # 24 clock hours from 3 hours ago
    assert "arbejdsdag" not in later
    assert 'aria-current="page">Mine sager' in html


def test_an_exact_reference_goes_to_the_case_and_the_rest_is_searched(app, db_session, world):
    _users, refs = world
    owner = _client(app, "owner")
    found = owner.get(f"/sager?sag={refs[0]}")
    assert found.status_code == 302 and found.headers["Location"].startswith("/sager/")
    partial = owner.get(f"/sager?sag={refs[0][-3:]}")
    assert partial.status_code == 200 and _listed(text(partial)) == [refs[0]]
    stranger = _client(app, "stranger")
    hidden, unknown = stranger.get(f"/sager?sag={refs[0]}"), stranger.get("/sager?sag=2026-999999")
    assert hidden.status_code == unknown.status_code == 200
    assert text(hidden).replace(refs[0], "REF") == text(unknown).replace("2026-999999", "REF")
    assert "Sagen findes ikke, eller du har ikke adgang til den." in text(hidden)


def test_the_search_form_keeps_the_term_out_of_the_url_and_needs_the_content(app, db_session, world):
    users, refs = world
    owner = _client(app, "owner")
    found = post(owner, "/sager", {"soeg": "nørrebro", "visning": "alle", "status": "alle"})
    assert found.status_code == 200 and _listed(text(found)) == [refs[0]]
    assert 'value="nørrebro"' in text(found)
    logged = db_session.scalars(select(CaseAccess).where(CaseAccess.kind == "search_case")).all()
    assert [(a.username, a.purpose, a.channel) for a in logged] == [("c-owner", "owner_work", "ui")]
    to_case = post(owner, "/sager", {"soeg": refs[1]})  # the header's "Find sag" with a whole reference
    assert to_case.status_code == 303 and to_case.headers["Location"].startswith("/sager/")
    filters_only = post(owner, "/sager", {"soeg": "", "visning": "alle", "risiko": "high"})
    assert filters_only.status_code == 303
    assert filters_only.headers["Location"] == "/sager?visning=alle&risiko=high"
    admin = _client(app, "admin")  # the header only: the reference, never the searchable fields
    assert _listed(text(post(admin, "/sager", {"soeg": "Nørrebro", "visning": "alle"}))) == []
    assert _listed(text(post(admin, "/sager", {"soeg": refs[0][-4:], "visning": "alle"}))) == [refs[0]]


def test_bad_filters_and_a_cpr_number_are_refused_in_danish(app, world):
    _users, _refs = world
    owner = _client(app, "owner")
    bad = owner.get("/sager?fra=23-11-2026&risiko=extreme&visning=alt")
    assert bad.status_code == 422 and 'class="cases"' not in text(bad)
    for message in ("Skriv datoen som ÅÅÅÅ-MM-DD.", "Vælg lav, middel eller høj.",
                    "Vælg Mine sager, Teamets sager eller Alle sager.", "Der er et problem"):
        assert message in text(bad)
    backwards = owner.get("/sager?fra=2026-11-23&til=2026-11-01")
    assert backwards.status_code == 422 and "Til-datoen må ikke ligge før fra-datoen." in text(backwards)
    unknown = owner.get("/sager?sagsbehandler=findes-ikke")
    assert unknown.status_code == 422 and "Ukendt bruger." in text(unknown)
    cpr = post(owner, "/sager", {"soeg": "010203-1234"})
    assert cpr.status_code == 422 and "Sager kan ikke findes på CPR-nummer." in text(cpr)


def test_scopes_filters_sorting_and_the_team_leads_view(app, world):
    _users, refs = world
    lead = _client(app, "lead")
    assert _listed(text(lead.get("/sager?visning=alle"))) == [refs[0], refs[2], refs[1]]
    assert _listed(text(lead.get("/sager?visning=alle&sortering=-sag"))) == refs[::-1]
    assert _listed(text(lead.get("/sager?visning=alle&sagsbehandler=-"))) == [refs[2]]
    assert _listed(text(lead.get("/sager?visning=alle&akut=ja"))) == [refs[0]]
    assert _listed(text(lead.get("/sager?visning=alle&overskredet=ja"))) == [refs[0]]
    assert _listed(text(lead.get("/sager?visning=alle&status=afsluttede"))) == []
    reception = _client(app, "reception")
    assert _listed(text(reception.get("/sager?visning=teamet"))) == [refs[0], refs[2], refs[1]]
    html = text(reception.get("/sager?visning=teamet"))
    assert "Risiko: Høj" in html  # a candidate of the waiting intake sees the markers, as in the inbox
    admin = text(_client(app, "admin").get("/sager?visning=alle"))
    assert _listed(admin) == [refs[0], refs[2], refs[1]] and "Risiko:" not in admin and "Akut</strong>" not in admin


def test_saved_filters_are_per_user_and_bad_names_change_nothing(app, db_session, world):
    users, refs = world
    owner = _client(app, "owner")
    saved = post(owner, "/filtre", {"page": "cases", "name": "Høj risiko", "query": "visning=alle&risiko=high&x=1"})
    assert saved.status_code == 303 and saved.headers["Location"] == "/sager?visning=alle&risiko=high"
    page = text(owner.get("/sager"))
    assert '<a href="/sager?visning=alle&amp;risiko=high">Høj risiko</a>' in page
    inbox = post(owner, "/filtre", {"page": "inbox", "name": "Frist om 3 dage", "query": "frist=3&sortering=risiko"})
    assert inbox.headers["Location"] == "/?frist=3&sortering=risiko"
    assert "Frist om 3 dage" in text(owner.get("/"))
    empty = post(owner, "/filtre", {"page": "cases", "name": "   ", "query": "visning=alle"})
    assert empty.status_code == 422 and "Skriv et navn på højst 80 tegn." in text(empty)
    rows = db_session.scalars(select(SavedFilter).where(SavedFilter.user_id == users["owner"].id)).all()
    assert sorted((r.page, r.name, r.query) for r in rows) == [
        ("cases", "Høj risiko", "visning=alle&risiko=high"), ("inbox", "Frist om 3 dage", "frist=3&sortering=risiko")]
    assert "Høj risiko" not in text(_client(app, "lead").get("/sager"))  # another user's
    mine = next(r for r in rows if r.page == "cases")
    assert post(_client(app, "lead"), f"/filtre/{mine.id}/slet", {"page": "cases"}).status_code == 404
    assert post(owner, f"/filtre/{mine.id}/slet", {"page": "cases"}).status_code == 303
    assert "Høj risiko" not in text(owner.get("/sager"))


def test_the_case_header_shows_acute_the_time_left_and_the_safe_contact_marker(app, db_session, world):
    from engine.cases.models import Case
    from engine.consent.service import set_safe_contact

    users, refs = world
    owner = _client(app, "owner")
    first = db_session.scalar(select(Case).where(Case.reference == refs[0]))
    second = db_session.scalar(select(Case).where(Case.reference == refs[1]))
    at = datetime.fromisoformat(T0)
    set_safe_contact(db_session, first.id, users["owner"], lambda: at, instructions="Kun mobil.", ask_if_alone=True)
    overview = text(owner.get(f"/sager/{first.id}")).split('id="overblik"', 1)[1].split("</section>", 1)[0]
    assert '<dt>Akut</dt>\n    <dd><strong class="badge badge--overdue">Akut</strong>' in overview
    assert 'href="#safe-contact-title">Der er en instruks' in overview and "Overskredet" in overview
    other = text(owner.get(f"/sager/{second.id}")).split('id="overblik"', 1)[1].split("</section>", 1)[0]
    assert "21 t tilbage" in other and "Ingen instruks" in other
    assert '<dt>Akut</dt>\n    <dd><span class="muted">Ikke vurderet endnu</span>' in other  # the data say nothing
    # A candidate of the waiting intake: the level and the flag from the case row.
    limited = text(_client(app, "reception").get(f"/sager/{first.id}")).split('id="overblik"', 1)[1]
    assert "<strong>Høj</strong>" in limited.split("</section>", 1)[0]
    admin = text(_client(app, "admin").get(f"/sager/{first.id}")).split('id="overblik"', 1)[1].split("</section>")[0]
    assert "<dt>Akut</dt>" not in admin and "<dt>Risiko</dt>" not in admin


def test_pages_and_sorting_links_keep_the_filters_and_a_term_from_the_url(app, db_session, world, service_clock):
    users, refs = world
    at = datetime.fromisoformat(T0)
    for hours in range(30):  # 33 cases in all: two pages
        received = at - timedelta(hours=hours + 40)
        open_case(db_session, "findable", {"received_at": received.isoformat()}, users["lead"], lambda r=received: r)
    lead = _client(app, "lead")
    first = text(lead.get("/sager?visning=alle&sag=2026-00000"))
    assert len(_listed(first)) == 9  # 2026-000001 … 2026-000009
    full = text(lead.get("/sager?visning=alle&status=alle"))
    assert 'href="/sager?visning=alle&amp;status=alle&amp;side=2"' in full and len(_listed(full)) == 25
    assert 'href="/sager?visning=alle&amp;status=alle&amp;sortering=sag"' in full
    second = text(lead.get("/sager?visning=alle&status=alle&side=2"))
    assert len(_listed(second)) == 8 and not set(_listed(second)) & set(_listed(full))
    searched = text(lead.get("/sager?visning=alle&sag=2026-00&side=1"))
    assert 'href="/sager?visning=alle&amp;sag=2026-00&amp;side=2"' in searched
    posted = text(post(lead, "/sager", {"soeg": "2026-00", "visning": "alle"}))
    assert 'name="side" value="2"' in posted and 'form="case-filter"' in posted and "2026-00&amp;" not in posted
