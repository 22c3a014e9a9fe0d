"""/profil/adgangskode: a user changes their own password under the password rule, in Danish; the
change ends their other sessions and keeps this one."""

from __future__ import annotations

import pytest

from engine.users.service import check_password
from tests.ui.helpers import PASSWORD, login, make_user, post, text

URL = "/profil/adgangskode"
NEW = "tre blå både i havnen"


@pytest.fixture
def anna(db_session):
    return make_user(db_session, "anna1", "modtagerteam")


def change(client, current=PASSWORD, new=NEW, again=None, **kwargs):
    return post(client, URL, {"current_password": current, "new_password": new,
                              "new_password_again": new if again is None else again}, **kwargs)


def test_the_profile_links_to_the_form(client, anna):
    login(client, "anna1")
    assert URL in text(client.get("/profil"))
    page = text(client.get(URL))
    assert "Skift adgangskode" in page and 'autocomplete="new-password"' in page and "Mindst 12 tegn." in page


@pytest.mark.parametrize("current, new, again, message", [
    ("forkert-kodeord-1", NEW, NEW, "Den nuværende adgangskode er forkert."),
    (PASSWORD, "kort", "kort", "Adgangskoden skal være på mindst 12 tegn."),
    (PASSWORD, "Password2024!", "Password2024!", "Adgangskoden er for almindelig eller let at gætte."),
    (PASSWORD, "anna1-har-ferie", "anna1-har-ferie", "Adgangskoden må ikke indeholde dit brugernavn."),
    (PASSWORD, NEW, NEW + "!", "De to nye adgangskoder er ikke ens."),
])
def test_refusals_name_the_problem_in_danish(client, db_session, anna, current, new, again, message):
    login(client, "anna1")
    refused = change(client, current, new, again)
    assert refused.status_code == 422 and message in text(refused) and "Der er et problem" in text(refused)
    assert 'aria-invalid="true"' in text(refused) and NEW not in text(refused)  # passwords are never echoed
    db_session.expire_all()
    assert check_password(anna, PASSWORD)


def test_a_change_keeps_this_session_and_ends_the_others(app, db_session, anna):
    here, elsewhere = app.test_client(), app.test_client()
    login(here, "anna1")
    login(elsewhere, "anna1")
    done = change(here, follow_redirects=True)
    assert "Din adgangskode er skiftet. Du er logget ud alle andre steder." in text(done)
    assert here.get("/profil").status_code == 200
    assert elsewhere.get("/profil").status_code == 302
    db_session.expire_all()
    assert check_password(anna, NEW) and not check_password(anna, PASSWORD)
    assert login(elsewhere, "anna1", NEW).status_code == 302


def test_guessing_the_current_password_counts_against_the_sign_in_limit(client, anna):
    login(client, "anna1")
    for _ in range(10):
        assert change(client, current="gæt-gæt-gæt-1").status_code == 422
    blocked = change(client)
    assert blocked.status_code == 429 and "For mange forsøg. Vent et minut, og prøv igen." in text(blocked)


def test_the_page_needs_sign_in_and_a_csrf_token(client, anna):
    assert client.get(URL).status_code == 302
    login(client, "anna1")
    assert client.post(URL, data={"current_password": PASSWORD, "new_password": NEW,
                                  "new_password_again": NEW}).status_code == 400


def test_english_users_get_english_labels(client, db_session, anna):
    anna.locale = "en"
    db_session.commit()
    login(client, "anna1")
    assert client.get(URL).status_code == 200
