"""After signing in, `next` leads only to a path on this site; odd characters never cause a 500."""

from __future__ import annotations

import pytest

from tests.ui.helpers import PASSWORD, csrf_token, make_user, text


@pytest.fixture
def reception(db_session):
    return make_user(db_session, "modtager1", "modtagerteam")


def sign_in(client, target: str):
    return client.post("/log-ind", data={"username": "modtager1", "password": PASSWORD,
                                         "csrf_token": csrf_token(client), "next": target})


@pytest.mark.parametrize("target", [
    "/\t/evil.test",  # browsers drop the tab: //evil.test
    "/\n/evil.test", "/\r/x", "/\r\n/x", "/\x00/x", "/\x0b/evil.test",
    "/\\evil.test", "/\\/evil.test", "//evil.test", "///evil.test", "/ /evil.test", "/\u2028/evil.test",
    "https://evil.test", "http:/evil.test", "javascript:alert(1)", "evil.test", "", "\t/x",
])
def test_anything_but_a_same_site_path_leads_to_the_inbox(client, reception, target):
    response = sign_in(client, target)
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/profil", "/sager/ny?proces=underretning_boern", "/opgaver/x#form",
                                    "/%09/evil.test", "/s%C3%B8g"])
def test_a_path_on_this_site_is_kept(client, reception, target):
    assert sign_in(client, target).headers["Location"] == target


@pytest.mark.parametrize("target", ["/\r/x", "/\t/evil.test", "<script>"])
def test_the_sign_in_page_takes_any_next_without_an_error(client, target):
    page = client.get("/log-ind", query_string={"next": target})
    assert page.status_code == 200 and "<script>" not in text(page).split("</header>", 1)[1]
