"""The task page's consent dialog records a consent from a person other than the guardian, with who
and in which capacity (issue 14); the case page then shows it."""

from __future__ import annotations

from uuid import UUID

from engine.consent.models import Consent
from engine.tasks import service as tasks
from tests.ui.helpers import csrf_token, text
from tests.ui.test_task_carried_pages import _client, _user, sharing  # noqa: F401 - the fixture

YOUNG = {"samtykke_given_by": "other", "samtykke_recipient_kind": "police", "samtykke_scope": "Trusler",
         "samtykke_purpose": "Politiets vurdering"}


def test_the_dialog_records_the_young_persons_consent_with_capacity(app, sharing, db_session):  # noqa: F811
    _case_id, task_id = sharing
    tasks.claim(db_session, task_id, _user(db_session, "m-worker"))
    client = _client(app, "m-worker")
    html = text(client.get(f"/opgaver/{task_id}"))
    assert 'id="f-samtykke_giver_name"' in html and 'id="f-samtykke_giver_capacity"' in html
    token = {"X-CSRFToken": csrf_token(client, "/profil")}
    missing = client.post(f"/opgaver/{task_id}/samtykke", data=YOUNG, headers=token)
    assert missing.status_code == 422
    assert {d["field"] for d in missing.get_json()["error"]["details"]} == {
        "samtykke_giver_name", "samtykke_giver_capacity"}
    done = client.post(f"/opgaver/{task_id}/samtykke", headers=token, data={
        **YOUNG, "samtykke_giver_name": "Den unge", "samtykke_giver_capacity": "Den unge selv, 16 år"})
    assert done.status_code == 200, done.get_json()
    consent = db_session.get(Consent, UUID(done.get_json()["consent"]))
    assert (consent.given_by, consent.giver_name, consent.giver_capacity) == (
        "other", "Den unge", "Den unge selv, 16 år")
