"""An administrator creates a user on /admin/brugere (Debian's Chromium via Playwright, axe on each
page): the one-time password is shown once; the new user signs in with it, is held on the password
page until they choose their own, and the one-time password stops working. With the test client:
only administrators reach the new pages (users, directory), the password is never stored or shown
again, and directory corrections are refused in Danish. Screenshots: test-artifacts/ui-admin-user-*.png."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import tests.ui.test_browser as flows
from engine.directory.models import DirectoryEntry
from engine.users.service import get_user
from tests.ui.conftest import LiveServer, create_users, screenshot, serve
from tests.ui.helpers import login, make_user, post, text

expect = pytest.importorskip("playwright.sync_api").expect

USERS = {"admin": ["admin"], "raadgiver": ["raadgiver-boern"]}
OWN_PASSWORD = "min egen lange sætning om kaffe"  # noqa: S105 - a test password


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app with an administrator and a caseworker (so the groups exist)."""
    with serve(tmp_path_factory.mktemp("users"), lambda session: create_users(session, USERS)) as (url, settings, _):
        yield LiveServer(url, settings)


def _sign_in(page, username: str, password: str) -> None:
    page.goto("/log-ind")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()


@pytest.mark.browser
def test_a_user_created_in_the_page_signs_in_and_must_choose_a_password(page, live_server):
    flows.login(page, "admin")
    page.get_by_role("link", name="Brugere").click()
    page.get_by_role("link", name="Opret bruger").click()
    page.get_by_label("Brugernavn").fill("raadgiver")
    page.get_by_label("E-mail").fill("ny@example.invalid")
    page.get_by_role("button", name="Opret brugeren").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#username-error")).to_contain_text("Der findes allerede en bruger med det brugernavn.")
    expect(page.locator("#groups-error")).to_contain_text("Vælg mindst én gruppe.")
    flows.assert_accessible(page, "admin-user-new-errors")
    page.get_by_label("Brugernavn").fill("nyansat")
    page.get_by_label("raadgiver-boern").check()
    page.get_by_role("button", name="Opret brugeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Brugeren nyansat er oprettet")
    expect(page.get_by_role("status")).to_contain_text("Adgangskoden vises kun denne ene gang.")
    one_time = page.locator("#one-time-password").inner_text()
    assert len(one_time) >= 12
    flows.assert_accessible(page, "admin-user-created")
    screenshot(page, "admin-user-created")
    page.get_by_role("link", name="Se brugeren nyansat").click()
    expect(page.get_by_label("raadgiver-boern")).to_be_checked()
    assert one_time not in page.content()  # shown once, never again
    flows.logout(page)

    _sign_in(page, "nyansat", one_time)
    expect(page.get_by_role("heading", level=1)).to_have_text("Skift adgangskode")
    expect(page.get_by_role("status").first).to_contain_text("Vælg din egen adgangskode, før du fortsætter")
    page.goto("/")  # every other page sends them back
    expect(page.get_by_role("heading", level=1)).to_have_text("Skift adgangskode")
    flows.assert_accessible(page, "admin-user-first-password")
    screenshot(page, "admin-user-first-password")
    page.get_by_label("Nuværende adgangskode").fill(one_time)
    page.get_by_label("Ny adgangskode", exact=True).fill(OWN_PASSWORD)
    page.get_by_label("Gentag den nye adgangskode").fill(OWN_PASSWORD)
    page.get_by_role("button", name="Skift adgangskode").click()
    expect(page.get_by_role("status").first).to_contain_text("Din adgangskode er skiftet.")
    page.get_by_role("link", name="Indbakke").click()
    expect(page.get_by_role("heading", level=1, name="Indbakke")).to_be_visible()
    flows.logout(page)

    _sign_in(page, "nyansat", one_time)
    expect(page.get_by_role("alert")).to_contain_text("Forkert brugernavn eller adgangskode.")
    _sign_in(page, "nyansat", OWN_PASSWORD)
    expect(page.get_by_role("heading", level=1, name="Indbakke")).to_be_visible()


def test_only_administrators_reach_the_new_pages(client, db_session):
    make_user(db_session, "leder1", "teamleder")
    login(client, "leder1")
    for path in ("/admin/katalog", "/admin/katalog/ny", "/admin/brugere/ny"):
        assert client.get(path).status_code == 403, path
    assert post(client, "/admin/brugere/ny", {"username": "x", "email": "x@example.invalid",
                                              "groups": ["admin"]}).status_code == 403
    assert post(client, "/admin/katalog/ny", {"kind": "police", "name": "x"}).status_code == 403


def test_the_one_time_password_is_shown_once_and_never_stored(client, db_session):
    make_user(db_session, "admin1", "admin")
    login(client, "admin1")
    bad = post(client, "/admin/brugere/ny", {"username": "med mellemrum", "email": "nej", "new_group": "Ny Gruppe"})
    assert bad.status_code == 422
    for message in ("Skriv et brugernavn med bogstaver, tal og . _ @ - (højst 64 tegn, ingen mellemrum).",
                    "Skriv en e-mailadresse som navn@eksempel.dk.", "Skriv en gruppenøgle med a-z"):
        assert message in text(bad)
    created = post(client, "/admin/brugere/ny", {"username": "ny1", "email": "ny1@example.invalid",
                                                 "new_group": "raadgiver-voksen"})
    assert created.status_code == 200 and created.headers["Cache-Control"] == "no-store"
    password = text(created).split('id="one-time-password" class="secret">', 1)[1].split("<", 1)[0]
    user = get_user(db_session, "ny1")
    assert user.must_change_password and user.group_keys == {"raadgiver-voksen"}
    assert password not in (user.password_hash or "") and len(password) >= 12
    assert password not in text(client.get(f"/admin/brugere/{user.id}"))


def test_an_entry_is_corrected_and_refusals_are_danish(client, db_session):
    make_user(db_session, "admin1", "admin")
    entry = DirectoryEntry(kind="police", region="", name="Politiet (ikke akut)", phone="114")
    db_session.add(entry)
    db_session.commit()
    login(client, "admin1")
    url = f"/admin/katalog/{entry.id}"
    assert 'value="114"' in text(client.get(url))
    bad = post(client, url, {"kind": "wizard", "region": "Atlantis", "name": "", "phone": "1" * 65})
    assert bad.status_code == 422
    for message in ("Vælg en type.", "Vælg en region, eller hele landet.", "Skriv et navn.", "Højst 64 tegn."):
        assert message in text(bad)
    saved = post(client, url, {"kind": "police", "region": "Sjælland", "name": "Politikontakt Midt- og Vestsjælland",
                               "phone": "114 (tast 2)"}, follow_redirects=True)
    assert "Politikontakt Midt- og Vestsjælland er gemt." in text(saved)
    db_session.expire_all()
    assert (entry.region, entry.phone, entry.active) == ("Sjælland", "114 (tast 2)", True)
    assert client.get("/admin/katalog/00000000-0000-0000-0000-000000000000").status_code == 404
