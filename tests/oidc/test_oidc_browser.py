"""In Chromium, through the real provider's pages: sign in and land in the inbox with the groups the
claim gives; the directory moves the person to another team, the next sign-in shows the change and
the task they held goes back to its group; signing out at the provider ends the casepath session."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.tasks.actions import claim
from engine.tasks.models import Task
from engine.users.models import User
from tests.oidc.conftest import CLIENT_SECRET, PASSWORD, RealProvider
from tests.oidc.helpers import map_groups
from tests.ui.conftest import browser, run_axe, screenshot  # noqa: F401 - the browser fixture
from tests.ui.helpers import PASSWORD as LOCAL_PASSWORD
from tests.ui.helpers import deploy_test_diagram, make_user, open_notification
from webui import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]
UI_CLIENT = "casepath-ui"
FIRST_TASK = "Vurdér underretningen inden for 24 timer"


@dataclass
class Live:
    url: str
    db: object  # a session factory on the live server's database


@pytest.fixture(scope="module")
def live(oidc_provider: RealProvider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """casepath on a free loopback port, signing in with the test provider (back-channel logout on)."""
    tmp = tmp_path_factory.mktemp("oidc-ui")
    url = f"sqlite:///{tmp / 'ui.db'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        lead = make_user(session, "lead", "teamleder", "modtagerteam")
        make_user(session, "root", "admin")
        deploy_test_diagram(session)
        open_notification(session, lead)
        map_groups(session, {"Modtagelse": "modtagerteam", "Team Børn": "raadgiver-boern"})
    settings = Settings.from_env({
        "CASEPATH_ENV": "testing", "DATABASE_URL": url, "CASEPATH_INSTANCE_PATH": str(tmp / "instance"),
        "CASEPATH_OIDC_ISSUER": oidc_provider.issuer, "CASEPATH_OIDC_CLIENT_ID": UI_CLIENT,
        "CASEPATH_OIDC_CLIENT_SECRET": CLIENT_SECRET})
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="oidc-live-server", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    oidc_provider.reset()
    oidc_provider.register_client(base, UI_CLIENT, backchannel=True)
    try:
        yield Live(base, factory)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        app.extensions["casepath.engine"].dispose()
        engine.dispose()


@pytest.fixture
def page(browser, live: Live):  # noqa: F811
    context = browser.new_context(base_url=live.url, locale="da-DK", timezone_id="Europe/Copenhagen",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _provider_sign_in(page, username: str) -> None:
    page.get_by_role("link", name="Log ind med organisationens konto").click()
    page.get_by_label("User").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _signed_out(page, live: Live, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page.goto(live.url + "/")
        if page.title().startswith("Log ind"):
            return True
        time.sleep(0.2)
    return False


def test_sign_in_follow_the_directory_and_sign_out_at_the_provider(page, live: Live, oidc_provider: RealProvider):
    oidc_provider.set_user("anna", ["Modtagelse", "Kantineudvalget"])
    page.goto("/log-ind")
    assert run_axe(page, "oidc-login") == []
    screenshot(page, "oidc-login")

    _provider_sign_in(page, "anna")

    page.wait_for_url(live.url + "/")
    assert page.get_by_role("heading", name="Indbakke").is_visible()
    assert page.get_by_role("link", name=FIRST_TASK).first.is_visible()  # modtagerteam's task, from the claim
    with live.db() as session:
        anna = session.scalar(select(User).where(User.username == "anna"))
        assert anna.group_keys == {"modtagerteam"} and anna.from_provider
        task = session.scalar(select(Task).where(Task.name == FIRST_TASK))
        claim(session, task.id, anna)

    # Moved to another team in the directory; casepath's "Log ud" also signs out at the provider.
    oidc_provider.set_user("anna", ["Team Børn"])
    page.get_by_role("button", name="Log ud").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(live.url + "/log-ind*")
    _provider_sign_in(page, "anna")  # the provider asks again: its session ended too

    page.wait_for_url(live.url + "/")
    flash = page.get_by_role("status").filter(has_text="Dine grupper er opdateret")
    assert "Fjernet: modtagerteam" in flash.inner_text()
    assert "Opgaver lagt tilbage til grupperne: 1" in flash.inner_text()
    assert page.get_by_role("link", name=FIRST_TASK).count() == 0
    screenshot(page, "oidc-groups-changed")
    with live.db() as session:
        assert session.scalar(select(Task).where(Task.name == FIRST_TASK)).assignee_id is None

    # Signing out at the provider (another tab, another application) ends the casepath session.
    page.goto(oidc_provider.issuer + "/session/end")
    page.get_by_role("button", name="Yes, sign me out").click()
    assert _signed_out(page, live)


def test_an_administrator_sees_provider_users_and_the_values_no_mapping_names(page, live: Live,
                                                                               oidc_provider: RealProvider):
    oidc_provider.set_user("bo", ["Team Børn", "Kantineudvalget"])
    page.goto("/log-ind")
    _provider_sign_in(page, "bo")
    page.wait_for_url(live.url + "/")
    page.get_by_role("button", name="Log ud").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(live.url + "/log-ind*")
    page.get_by_label("Brugernavn").fill("root")
    page.get_by_label("Adgangskode").fill(LOCAL_PASSWORD)
    page.get_by_role("button", name="Log ind", exact=True).click()

    page.goto("/admin/brugere")
    row = page.get_by_role("row").filter(has_text="bo@kommune.example")
    assert "Organisationens konto" in row.inner_text()
    assert page.locator(".unmapped-values").get_by_text("Kantineudvalget").is_visible()
    page.get_by_role("link", name="Knyt organisationens grupper til grupper i casepath").click()
    page.get_by_label("Værdi fra organisationen").fill("Kantineudvalget")
    page.get_by_label("Gruppe i casepath").select_option("modtagerteam")
    page.get_by_role("button", name="Gem tilknytning").click()
    assert page.get_by_role("status").filter(has_text="giver nu gruppen modtagerteam").is_visible()
    assert run_axe(page, "oidc-group-mappings") == []
    screenshot(page, "oidc-group-mappings")
