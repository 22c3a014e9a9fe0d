"""/admin/brugere: an administrator deactivates a leaver and moves people between teams, in Danish."""

from __future__ import annotations

from engine.tasks import service as tasks
from engine.users.service import create_token, user_for_token
from tests.ui.helpers import deploy_test_diagram, login, make_user, open_notification, post, text


def test_an_administrator_deactivates_a_leaver_whose_task_goes_back_to_the_group(client, db_session):
    deploy_test_diagram(db_session)
    make_user(db_session, "admin1", "admin")
    leaver = make_user(db_session, "modtager1", "modtagerteam")
    make_user(db_session, "modtager2", "modtagerteam")
    token = create_token(db_session, "modtager1")
    task = open_notification(db_session, leaver).tasks[0]
    tasks.claim(db_session, task.id, leaver)

    login(client, "admin1")
    listing = text(client.get("/admin/brugere"))
    assert "modtager1" in listing and "Aktiv" in listing
    url = f"/admin/brugere/{leaver.id}"
    page = text(client.get(url))
    assert token[:10] in page and token not in page  # tokens by their first characters only

    saved = post(client, url, {"groups": ["modtagerteam"]}, follow_redirects=True)  # "Aktiv" unticked
    assert "modtager1 er gemt. Opgaver lagt tilbage til grupperne: 1." in text(saved)
    db_session.expire_all()
    assert leaver.active is False and user_for_token(db_session, token) is None
    assert tasks.get_task(db_session, task.id, leaver).assignee_id is None
    assert "Deaktiveret" in text(client.get("/admin/brugere"))

    post(client, "/log-ud")
    login(client, "modtager2")
    inbox = text(client.get("/"))
    assert task.case.reference in inbox.split('id="section-candidate"', 1)[1]


def test_moving_a_user_to_a_new_team_and_refusals_in_danish(client, db_session):
    admin = make_user(db_session, "admin1", "admin")
    worker = make_user(db_session, "raadgiver1", "raadgiver-boern")
    login(client, "admin1")
    url = f"/admin/brugere/{worker.id}"

    none = post(client, url, {"active": "1"})
    assert none.status_code == 422 and "Vælg mindst én gruppe." in text(none)
    bad = post(client, url, {"active": "1", "groups": ["raadgiver-boern"], "new_group": "Rådgiver voksen"})
    assert bad.status_code == 422 and "Skriv en gruppenøgle" in text(bad)
    assert 'value="Rådgiver voksen"' in text(bad)  # kept in the field, to be corrected
    db_session.expire_all()
    assert worker.group_keys == {"raadgiver-boern"} and worker.active

    moved = post(client, url, {"active": "1", "new_group": "raadgiver-voksen"}, follow_redirects=True)
    assert "raadgiver1 er gemt." in text(moved)
    db_session.expire_all()
    assert worker.group_keys == {"raadgiver-voksen"}

    last = post(client, f"/admin/brugere/{admin.id}", {"groups": ["admin"]})  # would deactivate the only admin
    assert last.status_code == 422 and "Der skal altid være mindst én aktiv administrator." in text(last)
    db_session.expire_all()
    assert admin.active

    revoke_page = f"/admin/brugere/{worker.id}/tokens"
    token = create_token(db_session, "raadgiver1")
    revoked = post(client, revoke_page, follow_redirects=True)
    assert "API-nøgler tilbagekaldt: 1." in text(revoked)
    assert user_for_token(db_session, token) is None
    assert client.get("/admin/brugere/00000000-0000-0000-0000-000000000000").status_code == 404


def test_only_administrators_see_accounts(client, db_session):
    lead = make_user(db_session, "leder1", "teamleder")
    login(client, "leder1")
    assert client.get("/admin/brugere").status_code == 403
    assert post(client, f"/admin/brugere/{lead.id}", {"groups": ["admin"], "active": "1"}).status_code == 403
    db_session.expire_all()
    assert lead.group_keys == {"teamleder"}
    assert "/admin/brugere" not in text(client.get("/profil"))
