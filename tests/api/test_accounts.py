"""Accounts: leavers lose access at once and their tasks go back to the group; tokens can be revoked."""

from __future__ import annotations

from tests.api.helpers import deploy, error_of


def _open_held_task(client, lead, holder) -> str:
    """A case whose first task (group modtagerteam) `holder` has claimed; returns the task id."""
    case = client.post("/api/v1/cases", json={"process_key": "review"}, headers=lead.headers).get_json()
    task_id = case["tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=holder.headers).status_code == 200
    return task_id


def _candidates(client, account) -> set[str]:
    listed = client.get("/api/v1/tasks?scope=candidate", headers=account.headers).get_json()
    return {item["id"] for item in listed["items"]}


def test_a_deactivated_leaver_loses_access_and_their_tasks_go_back_to_the_group(client, make_account):
    admin = make_account("admin", name="root")
    lead = make_account("teamleder", "modtagerteam", name="lead")
    leaver = make_account("modtagerteam", name="leaver")
    colleague = make_account("modtagerteam", name="colleague")
    assert deploy(client, lead.headers).status_code == 201
    task_id = _open_held_task(client, lead, leaver)
    assert task_id not in _candidates(client, colleague)

    response = client.patch(f"/api/v1/admin/users/{leaver.user.id}", json={"active": False}, headers=admin.headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["active"] is False and response.get_json()["released_tasks"] == 1

    assert client.get("/api/v1/me", headers=leaver.headers).status_code == 401
    assert task_id in _candidates(client, colleague)
    case_id = client.get(f"/api/v1/tasks/{task_id}", headers=colleague.headers).get_json()["case_id"]
    events = client.get(f"/api/v1/cases/{case_id}/events", headers=lead.headers).get_json()
    released = [e for e in events["events"] if e["kind"] == "task_unclaimed"]
    assert len(released) == 1 and "deaktiveret" in released[0]["summary"]
    assert released[0]["actor"] == "root"

    again = client.patch(f"/api/v1/admin/users/{leaver.user.id}", json={"active": True}, headers=admin.headers)
    assert again.status_code == 200 and again.get_json()["released_tasks"] == 0
    assert client.get("/api/v1/me", headers=leaver.headers).status_code == 200
    assert task_id in _candidates(client, colleague)  # reactivation does not hand tasks back


def test_moving_to_another_team_releases_only_the_tasks_of_the_group_left(client, make_account):
    admin = make_account("admin", name="root")
    lead = make_account("teamleder", "modtagerteam", name="lead")
    mover = make_account("modtagerteam", "teamleder", name="mover")
    assert deploy(client, lead.headers).status_code == 201
    reception_task = _open_held_task(client, lead, mover)
    # A second case moved on to the team lead's approval, held by the mover too.
    case = client.post("/api/v1/cases", json={"process_key": "review"}, headers=lead.headers).get_json()
    first = case["tasks"][0]["id"]
    done = client.post(f"/api/v1/tasks/{first}/complete", json={"data": {"amount": 50}}, headers=lead.headers)
    lead_task = done.get_json()["tasks"][0]
    assert lead_task["candidate_group"] == "teamleder"
    assert client.post(f"/api/v1/tasks/{lead_task['id']}/claim", headers=mover.headers).status_code == 200

    response = client.patch(f"/api/v1/admin/users/{mover.user.id}",
                            json={"remove_groups": ["modtagerteam"], "add_groups": ["raadgiver-voksen"]},
                            headers=admin.headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["groups"] == ["raadgiver-voksen", "teamleder"]
    assert response.get_json()["released_tasks"] == 1
    mine = client.get("/api/v1/tasks?scope=mine", headers=mover.headers).get_json()["items"]
    assert [item["id"] for item in mine] == [lead_task["id"]]
    assert reception_task in _candidates(client, lead)


def test_only_administrators_administer_accounts_and_bad_input_changes_nothing(client, make_account):
    admin = make_account("admin", name="root")
    lead = make_account("teamleder", name="lead")
    worker = make_account("modtagerteam", name="worker")
    url = f"/api/v1/admin/users/{worker.user.id}"
    assert client.patch(url, json={"active": False}, headers=lead.headers).status_code == 403
    assert client.get("/api/v1/admin/users", headers=lead.headers).status_code == 403
    assert client.get(f"{url}/tokens", headers=lead.headers).status_code == 403
    assert client.patch(url, json={"active": False}).status_code == 401
    for body, field in [
        ({}, "_schema"),
        ({"active": "no"}, "active"),
        ({"active": 0}, "active"),
        ({"add_groups": ["Team Leder"]}, "add_groups"),
        ({"remove_groups": ["teamleder"]}, "remove_groups"),  # not a member
        ({"remove_groups": ["modtagerteam"]}, "remove_groups"),  # would leave no group
        ({"add_groups": ["x"], "remove_groups": ["x"]}, "remove_groups"),
        ({"active": False, "role": "admin"}, "role"),
    ]:
        response = client.patch(url, json=body, headers=admin.headers)
        assert response.status_code == 422, (body, response.get_json())
        assert field in str(error_of(response)["details"]), (body, response.get_json())
    unknown = client.patch("/api/v1/admin/users/00000000-0000-0000-0000-000000000000", json={"active": False},
                           headers=admin.headers)
    assert unknown.status_code == 404
    listed = {item["username"]: item for item in client.get("/api/v1/admin/users", headers=admin.headers)
              .get_json()["items"]}
    assert listed["worker"]["active"] is True and listed["worker"]["groups"] == ["modtagerteam"]
    assert client.get("/api/v1/me", headers=worker.headers).status_code == 200


def test_the_last_active_administrator_stays(client, make_account):
    admin = make_account("admin", name="root")
    url = f"/api/v1/admin/users/{admin.user.id}"
    for body in ({"active": False}, {"remove_groups": ["admin"], "add_groups": ["teamleder"]}):
        response = client.patch(url, json=body, headers=admin.headers)
        assert response.status_code == 422 and "last active administrator" in error_of(response)["message"]
    assert client.get("/api/v1/admin/users", headers=admin.headers).status_code == 200
    second = make_account("admin", name="second")
    assert client.patch(url, json={"active": False}, headers=second.headers).status_code == 200
    assert client.get("/api/v1/admin/users", headers=admin.headers).status_code == 401


def test_a_user_revokes_a_leaked_token_by_its_prefix_and_keeps_the_others(client, make_account, db_session):
    from engine.users.service import create_token

    me = make_account("modtagerteam", name="me")
    spare = create_token(db_session, "me")
    listed = client.get("/api/v1/me/tokens", headers=me.headers).get_json()["items"]
    assert sorted(item["prefix"] for item in listed) == sorted([me.token[:10], spare[:10]])
    assert all(item["revoked_at"] is None and item["created_at"][-6:] in ("+01:00", "+02:00") for item in listed)
    assert not any(me.token in str(item) for item in listed)

    assert client.delete("/api/v1/me/tokens/cp_", headers=me.headers).status_code == 422  # too short to be sure
    assert client.delete("/api/v1/me/tokens/cp_zzzzzzz", headers=me.headers).status_code == 404
    revoked = client.delete(f"/api/v1/me/tokens/{spare[:10]}", headers=me.headers)
    assert revoked.status_code == 200 and revoked.get_json() == {"revoked": 1}
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {spare}"}).status_code == 401
    assert client.get("/api/v1/me", headers=me.headers).status_code == 200
    again = client.delete(f"/api/v1/me/tokens/{spare[:10]}", headers=me.headers)
    assert again.status_code == 404  # already revoked: not reported as done twice


def test_an_administrator_revokes_every_token_of_a_user(client, make_account):
    admin = make_account("admin", name="root")
    other = make_account("modtagerteam", name="other")
    response = client.delete(f"/api/v1/admin/users/{other.user.id}/tokens", headers=admin.headers)
    assert response.status_code == 200 and response.get_json() == {"revoked": 1}
    assert client.get("/api/v1/me", headers=other.headers).status_code == 401
    tokens = client.get(f"/api/v1/admin/users/{other.user.id}/tokens", headers=admin.headers).get_json()["items"]
    assert len(tokens) == 1 and tokens[0]["revoked_at"] is not None
