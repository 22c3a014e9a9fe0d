"""/admin/personer: an administrator answers a person's request for insight on a printable Danish page."""

from __future__ import annotations

from datetime import datetime

from engine.cases.access import log_access
from engine.persons import links, service
from tests.ui.helpers import deploy_test_diagram, login, make_user, open_notification, post, text

NOW = datetime.fromisoformat("2026-12-01T10:00:00+01:00")


def test_the_insight_page_lists_who_read_the_persons_case_in_danish(client, db_session):
    deploy_test_diagram(db_session)
    make_user(db_session, "admin1", "admin")
    lead = make_user(db_session, "lene", "teamleder")
    rita = make_user(db_session, "rita", "modtagerteam")
    case = open_notification(db_session, lead).case
    aisha = service.create_person(db_session, lead, {"name": "Aisha", "cpr": "010203-4234"}, NOW)
    links.link_person(db_session, case.id, aisha.id, lead, NOW, role="subject")
    log_access(db_session, case.id, rita, "read_case", "ui", "task")
    service.lookup(db_session, "0102034234", "Henvendelse fra skolen", rita, NOW)

    login(client, "rita")
    assert client.get(f"/admin/personer/{aisha.id}/indsigt").status_code == 403
    post(client, "/log-ud")
    login(client, "admin1")
    form = client.get("/admin/personer")
    assert form.status_code == 200 and "Anmodning om indsigt" in text(form)
    refused = post(client, "/admin/personer", {"cpr": "320203-4234"})
    assert refused.status_code == 422 and "gyldig dato" in text(refused)
    answer = post(client, "/admin/personer", {"cpr": "010203-4234"})
    page = text(answer)
    assert answer.status_code == 200 and "Hvem har set oplysninger om dig" in page
    assert "Aisha (010203-xxxx)" in page and "010203-4234" not in page
    assert case.reference in page and "Så sagen" in page and "Opgave i sagen" in page
    assert "Søgte på CPR-nummeret" in page and "Henvendelse fra skolen" in page
    by_id = text(client.get(f"/admin/personer/{aisha.id}/indsigt"))
    assert "Besvarede en anmodning om indsigt" in by_id  # the first answer is itself in the log
