"""Inbox, task, case, referral and profile pages with Flask's test client (both databases)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from engine.cases.access import access_log
from engine.consent.service import list_consents
from engine.tasks import service as tasks
from engine.tasks.listing import list_views
from tests.ui.helpers import deploy_test_diagram, login, make_user, open_notification, post, text

ASSESS = "Vurdér underretningen inden for 24 timer"


@pytest.fixture
def people(db_session):
    deploy_test_diagram(db_session)
    return {
        "reception": make_user(db_session, "modtager1", "modtagerteam"),
        "lead": make_user(db_session, "leder1", "teamleder"),
        "worker": make_user(db_session, "raadgiver1", "raadgiver-boern"),
        "worker2": make_user(db_session, "raadgiver2", "raadgiver-boern"),
    }


def _rows(html: str, section: str) -> list[str]:
    part = html.split(f'id="section-{section}"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<tr(?: class=\"[^\"]*\")?>\s*<td>", part)


def test_inbox_sections_sorting_filters_and_pagination(client, db_session, people):
    opened = [open_notification(db_session, people["reception"], hours_ago=h) for h in range(25)]
    oldest = opened[-1].case.reference
    login(client, "modtager1")
    page1 = text(client.get("/"))
    assert len(_rows(page1, "candidate")) == 20 and "Gruppens opgaver <span class=\"count\">(25)" in page1
    assert "section-all" not in page1  # only team leads see every task
    assert page1.index(oldest) < page1.index(opened[10].case.reference)  # most urgent first
    assert opened[0].case.reference not in page1 and opened[0].case.reference in text(client.get("/?side_gruppe=2"))
    # The 24-hour assessment counts clock hours: the hours left, not "under 1 working day" (issue 12).
    assert "Overskredet" in page1 and " t tilbage</strong>" in page1 and "Under 1 arbejdsdag tilbage" not in page1
    assert 'class="row--overdue"' in page1
    page2 = text(client.get("/?side_gruppe=2"))
    assert len(_rows(page2, "candidate")) == 5
    one = text(client.get(f"/?sag={oldest}"))
    assert len(_rows(one, "candidate")) == 1
    assert len(_rows(text(client.get("/?proces=underretning_boern&frist=1")), "candidate")) == 20
    assert "Ingen opgaver." in text(client.get("/?proces=findes_ikke"))


def test_claim_unclaim_and_reassign(client, db_session, people):
    task = open_notification(db_session, people["reception"]).tasks[0]
    login(client, "modtager1")
    response = post(client, f"/opgaver/{task.id}/tag", {"next": "/"}, follow_redirects=True)
    assert "Du har taget opgaven." in text(response)
    assert len(_rows(text(response), "mine")) == 1
    response = post(client, f"/opgaver/{task.id}/laeg-tilbage", {"next": "/"}, follow_redirects=True)
    assert "Opgaven er lagt tilbage til gruppen." in text(response) and len(_rows(text(response), "mine")) == 0
    post(client, "/log-ud")
    login(client, "leder1")
    inbox = text(client.get("/"))
    assert 'id="section-all"' in inbox and '<option value="modtager1">modtager1</option>' in inbox
    assert "raadgiver1" not in inbox  # only members of the task's group are offered
    response = post(client, f"/opgaver/{task.id}/fordel", {"username": "raadgiver1", "next": "/"},
                    follow_redirects=True)
    assert "Vælg en aktiv bruger i opgavens gruppe." in text(response)
    response = post(client, f"/opgaver/{task.id}/fordel", {"username": "modtager1", "next": "/"},
                    follow_redirects=True)
    assert "Opgaven er fordelt." in text(response)
    db_session.refresh(task)
    assert task.assignee_id == people["reception"].id


def test_task_page_form_errors_and_completion(client, db_session, people):
    opened = open_notification(db_session, people["reception"])
    task = opened.tasks[0]
    login(client, "modtager1")
    page = text(client.get(f"/opgaver/{task.id}"))
    assert f"<h1>{ASSESS}</h1>" in page
    assert "Handlekort" in page and "ring til politiet på 112" in page
    assert "Vurdering af om barnet er i fare" in page and "BL § 136" in page
    assert 'name="decision"' in page and '<label for="f-acute">' in page
    failed = post(client, f"/opgaver/{task.id}", {"close_reason": ""})
    assert failed.status_code == 422
    assert 'id="f-decision-error"><span class="visually-hidden">Fejl:</span> Feltet skal udfyldes.' in text(failed)
    assert '<a href="#f-decision">Beslutning – Feltet skal udfyldes.</a>' in text(failed)
    done = post(client, f"/opgaver/{task.id}", {"decision": "forward", "acute": "true"}, follow_redirects=True)
    assert f"Opgaven »{ASSESS}« er udført." in text(done)
    # Need-to-know: having completed a task earlier is no relation to the case any more.
    assert post(client, f"/opgaver/{task.id}", {"decision": "forward"}).status_code == 404
    assert client.get(f"/opgaver/{task.id}").status_code == 404
    post(client, "/log-ud")
    login(client, "leder1")
    closed = text(client.get(f"/opgaver/{task.id}"))
    assert "Opgaven er ikke længere åben (Udført)." in closed and 'name="decision"' not in closed
    again = post(client, f"/opgaver/{task.id}", {"decision": "forward"}, follow_redirects=True)
    assert "Opgaven er ikke længere åben." in text(again)
    ready = list_views(db_session, people["lead"], "candidate").items
    assert [t.name for t in ready] == ["Fordel sagen til en rådgiver"]


def test_task_held_by_someone_else_and_tasks_of_other_groups(client, db_session, people):
    task = open_notification(db_session, people["reception"]).tasks[0]
    other = make_user(db_session, "modtager2", "modtagerteam")
    tasks.claim(db_session, task.id, other)
    login(client, "modtager1")
    # Need-to-know: once a colleague holds the case's only task, the rest of the group has no relation.
    assert client.get(f"/opgaver/{task.id}").status_code == 404
    assert post(client, f"/opgaver/{task.id}", {"decision": "forward"}).status_code == 404
    assert client.get(f"/sager/{task.case_id}").status_code == 404
    post(client, "/log-ud")
    login(client, "leder1")
    page = text(client.get(f"/opgaver/{task.id}"))
    assert "Opgaven er taget af modtager2." in page and 'name="decision"' not in page
    conflict = post(client, f"/opgaver/{task.id}", {"decision": "forward"}, follow_redirects=True)
    assert "Opgaven er ikke længere åben, eller en anden har taget den." in text(conflict)
    post(client, "/log-ud")
    login(client, "raadgiver1")
    assert client.get(f"/opgaver/{task.id}").status_code == 404  # no relation: as for a missing task
    assert client.get(f"/sager/{task.case_id}").status_code == 404
    assert client.get(f"/sager/{task.case_id}/diagram.bpmn").status_code == 404
    found = client.get(f"/sager?sag={task.case.reference}", follow_redirects=True)
    assert "Sagen findes ikke, eller du har ikke adgang til den." in text(found)


def test_case_page_and_diagram(client, db_session, people):
    opened = open_notification(db_session, people["reception"])
    tasks.complete(db_session, opened.tasks[0].id, {"decision": "forward", "acute": False}, people["reception"])
    login(client, "modtager1")  # completed a task earlier, no other relation: the case is gone for them
    assert client.get(f"/sager/{opened.case.id}").status_code == 404
    assert client.get(f"/sager/{opened.case.id}/diagram.bpmn").status_code == 404
    post(client, "/log-ud")
    login(client, "leder1")
    page = text(client.get(f"/sager/{opened.case.id}"))
    assert f"Sag {opened.case.reference}" in page
    assert "data-active='[\"Task_fordel_sag\"]'" in page
    assert "data-completed='[\"Task_vurdering_24t\"]'" in page
    assert "Overholdt" in page  # the 24-hour timer was cancelled by completing the assessment
    assert "Opgaven &#39;Vurdér underretningen inden for 24 timer&#39; er udført" in page
    assert "modtager1" in page
    diagram = client.get(f"/sager/{opened.case.id}/diagram.bpmn")
    assert diagram.status_code == 200 and diagram.mimetype == "application/octet-stream"
    assert diagram.headers["Content-Disposition"].startswith("attachment")
    assert diagram.headers["X-Content-Type-Options"] == "nosniff"
    assert b'<bpmn:process id="underretning_boern"' in diagram.data
    found = client.get(f"/sager?sag={opened.case.reference}")
    assert found.headers["Location"] == f"/sager/{opened.case.id}"


def _deadline_rows(page: str) -> list[str]:
    section = page.split('id="deadlines-title"', 1)[1].split("</section>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in section.split("<tr>")[2:]]


def test_case_page_says_which_deadlines_were_met_missed_or_are_open(client, db_session, people):
    on_time = open_notification(db_session, people["reception"], hours_ago=2)
    tasks.complete(db_session, on_time.tasks[0].id, {"decision": "forward", "acute": False}, people["reception"])
    late = open_notification(db_session, people["reception"], hours_ago=30)
    login(client, "leder1")  # the reception, having done its task, no longer sees the case
    met = _deadline_rows(text(client.get(f"/sager/{on_time.case.id}")))
    assert len(met) == 1 and met[0].startswith(ASSESS) and met[0].endswith("Overholdt")
    assert "(BL § 136 " in met[0]  # the rule's law reference
    missed = _deadline_rows(text(client.get(f"/sager/{late.case.id}")))
    assert len(missed) == 1 and missed[0].endswith("Overskredet")  # still open, past its deadline
    tasks.claim(db_session, late.tasks[0].id, people["reception"])
    tasks.complete(db_session, late.tasks[0].id, {"decision": "forward", "acute": False}, people["reception"])
    done_late = _deadline_rows(text(client.get(f"/sager/{late.case.id}")))
    assert len(done_late) == 1 and done_late[0].endswith("Overskredet")  # done, but too late


def test_consents_and_safe_contact(client, db_session, people):
    opened = open_notification(db_session, people["reception"])
    case_url = f"/sager/{opened.case.id}"
    login(client, "modtager1")
    # A candidate of the waiting task sees the header only and may not record anything yet.
    assert post(client, f"{case_url}/samtykker", {"recipient_kind": "police"}).status_code == 403
    assert post(client, f"{case_url}/sikker-kontakt", {"instructions": "Ring ikke."}).status_code == 403
    tasks.claim(db_session, opened.tasks[0].id, people["reception"])  # holding a task of an unowned case
    failed = post(client, f"{case_url}/samtykker", {"recipient_kind": "police"})
    assert failed.status_code == 422 and "Samtykket blev ikke gemt." in text(failed)
    assert 'id="f-scope-error"' in text(failed)
    assert list_consents(db_session, opened.case.id, people["reception"]) == []  # nothing stored
    # The page shown again is a read of the case too, and is logged like any other.
    admin = make_user(db_session, "admin1", "admin")
    assert [(a.username, a.kind, a.channel) for a in access_log(db_session, opened.case.id, admin)] == [
        ("modtager1", "read_case", "ui")]
    saved = post(client, f"{case_url}/samtykker", {
        "given_by": "citizen", "recipient_kind": "police", "scope": "Trusler fra familien.",
        "purpose": "Sikkerhedsplan.", "given_at": "2026-01-05T10:00"}, follow_redirects=True)
    assert "Samtykket er registreret." in text(saved) and "Trusler fra familien." in text(saved)
    consent_id = re.search(r"/samtykker/([0-9a-f-]{36})/tilbagekald", text(saved)).group(1)
    withdrawn = post(client, f"{case_url}/samtykker/{consent_id}/tilbagekald", follow_redirects=True)
    assert "Samtykket er trukket tilbage." in text(withdrawn) and "Trukket tilbage" in text(withdrawn)
    twice = post(client, f"{case_url}/samtykker/{consent_id}/tilbagekald", follow_redirects=True)
    assert "Samtykket var allerede trukket tilbage." in text(twice)
    contact = post(client, f"{case_url}/sikker-kontakt", {"instructions": "Ring kun om formiddagen.",
                                                          "no_letters_home": "true"}, follow_redirects=True)
    assert "Instruksen om sikker kontakt er gemt." in text(contact)
    task_page = text(client.get(f"/opgaver/{opened.tasks[0].id}"))
    banner = task_page.split('<section class="safe-contact" role="alert"', 1)[1].split("</section>", 1)[0]
    assert "Ring kun om formiddagen." in banner and "Send ingen breve til hjemmeadressen" in banner


def test_new_referral(client, db_session, people):
    login(client, "modtager1")
    choose = text(client.get("/sager/ny"))
    assert "/sager/ny/boern" in choose and "/sager/ny/voksen" not in choose  # the adult process is not deployed
    form = text(client.get("/sager/ny/boern"))
    assert 'type="datetime-local"' in form and 'name="professional_notifier"' in form
    empty = post(client, "/sager/ny/boern", {})
    assert empty.status_code == 422 and text(empty).count("Feltet skal udfyldes.") >= 2
    future = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    ahead = post(client, "/sager/ny/boern", {"received_at": future, "source": "school"})
    assert "Tidspunktet kan ikke ligge i fremtiden." in text(ahead)
    created = post(client, "/sager/ny/boern", {"received_at": "2026-01-05T09:15", "source": "police",
                                              "professional_notifier": "true"})
    assert created.status_code == 302 and created.headers["Location"].startswith("/sager/")
    page = text(client.get(created.headers["Location"]))
    assert "er oprettet." in page and ASSESS in page
    ready = list_views(db_session, people["reception"], "candidate").items
    # received_at went to open_case with Copenhagen's offset (+01:00 in January): due 24 hours later
    assert [t.due_at for t in ready] == [datetime(2026, 1, 6, 8, 15, tzinfo=UTC)]


def test_an_adult_referral_uses_the_deployed_start_form(client, db_session, people):
    from pathlib import Path

    from engine.process_models.service import deploy

    workflows = Path(__file__).resolve().parents[2] / "workflows"
    forms = {f.stem: f.read_bytes() for f in (workflows / "forms").glob("*.form")}
    for name in ("risikovurdering", "opfoelgning", "henvendelse_voksen"):
        deploy(db_session, (workflows / f"{name}.bpmn").read_bytes(), actor=None, forms=forms)
    login(client, "modtager1")
    assert "/sager/ny/voksen" in text(client.get("/sager/ny"))
    form = text(client.get("/sager/ny/voksen"))
    assert "Registrér kun hvornår og fra hvem henvendelsen kom" in form and 'value="job_centre"' in form
    bad = post(client, "/sager/ny/voksen", {"received_at": "2026-01-05T09:15", "source": "bakery"})
    assert bad.status_code == 422 and "Vælg en af mulighederne." in text(bad)
    created = post(client, "/sager/ny/voksen", {"received_at": "2026-01-05T09:15", "source": "job_centre"})
    assert created.status_code == 302
    ready = list_views(db_session, people["reception"], "candidate").items
    assert [t.name for t in ready] == ["Visitér henvendelsen"]


def test_profile_language_and_digest(client, db_session, people):
    login(client, "modtager1")
    page = text(client.get("/profil"))
    assert 'name="email"' in page and 'name="locale"' in page
    assert 'name="reminder_digest"' in page
    bad = post(client, "/profil", {"email": "ikke-en-adresse", "locale": "en"})
    assert bad.status_code == 422 and "Skal være en e-mailadresse." in text(bad)
    db_session.refresh(people["reception"])
    assert people["reception"].email == "modtager1@example.invalid" and people["reception"].locale == "da"
    form = {"email": "ny@example.invalid", "locale": "en", "reminder_digest": "true", "digest_hour": "7"}
    saved = post(client, "/profil", form, follow_redirects=True)
    assert "Your settings are saved." in text(saved) and 'lang="en"' in text(saved)
    inbox = text(client.get("/"))
    assert "My tasks" in inbox and "Mine opgaver" not in inbox
    db_session.refresh(people["reception"])
    assert people["reception"].email == "ny@example.invalid" and people["reception"].locale == "en"
    assert people["reception"].reminder_digest is True and people["reception"].digest_hour == 7
