"""A real OpenID provider for the sign-in tests: npm's oidc-provider (tests/oidc/provider/server.mjs)
run with Node.js on a free loopback port, configured through a JSON state file the tests rewrite
(users and their groups, registered clients, a tampering switch).

Node.js and the provider's packages come from scripts/bootstrap.sh; without Node.js these tests fail
rather than skip, so a missing provider is never mistaken for a passing sign-in.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from engine.config import Settings

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
CLIENT_ID = "casepath-test"
CLIENT_SECRET = "casepath-test-client-secret-0123456789"  # noqa: S105 - a test secret
PASSWORD = "provider-password-1"  # noqa: S105 - a test password
CALLBACK, LOGOUT_DONE, BACKCHANNEL = "/log-ind/oidc/callback", "/log-ind", "/log-ind/oidc/backchannel-logout"


@dataclass
class RealProvider:
    """The running provider and its state file."""

    issuer: str
    state_path: Path

    def state(self) -> dict:
        return json.loads(self.state_path.read_text())

    def write(self, state: dict) -> None:
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state))
        tmp.replace(self.state_path)  # the provider rereads the file: never let it see half a file

    def reset(self) -> None:
        self.write({"users": {}, "clients": {}, "tamper": ""})

    def set_user(self, name: str, groups: list[str], disabled: bool = False, email: str | None = None) -> None:
        """Create or change a directory user (the groups claim is `groups`)."""
        state = self.state()
        state["users"][name] = {"password": PASSWORD, "email": email or f"{name}@kommune.example",
                                "name": name.capitalize() + " Testesen", "groups": groups, "disabled": disabled}
        self.write(state)

    def register_client(self, base_url: str, client_id: str = CLIENT_ID, backchannel: bool = False) -> None:
        """Register casepath at `base_url` as a confidential client."""
        state = self.state()
        client = {"client_secret": CLIENT_SECRET, "redirect_uris": [base_url + CALLBACK],
                  "post_logout_redirect_uris": [base_url + LOGOUT_DONE], "grant_types": ["authorization_code"],
                  "response_types": ["code"], "token_endpoint_auth_method": "client_secret_basic"}
        if backchannel:
            client["backchannel_logout_uri"] = base_url + BACKCHANNEL
            client["backchannel_logout_session_required"] = False
        state["clients"][client_id] = client
        self.write(state)

    def tamper(self, mode: str) -> None:
        """"id_token": the token response's ID token is changed after signing (its groups become admin)."""
        state = self.state()
        state["tamper"] = mode
        self.write(state)


def provider_login(auth_url: str, username: str, stop_at: str, browser: requests.Session | None = None,
                   password: str = PASSWORD) -> str:
    """Follow the provider's pages as a browser would, signing in as `username`, until a redirect to
    a URL starting with `stop_at` (casepath's callback); return that URL."""
    browser = browser or requests.Session()
    url, response = auth_url, None
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        if response.status_code == 200 and "<form" in response.text:  # the provider's login form
            response = browser.post(url, data={"login": username, "password": password},
                                    allow_redirects=False, timeout=10)
        if response.status_code not in (302, 303):
            raise AssertionError(f"the provider answered {response.status_code}: {response.text[:300]}")
        url = urljoin(url, response.headers["Location"])
        if url.startswith(stop_at):
            return url
    raise AssertionError("the provider never sent the browser back")


def _start(node: str, state_path: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "OIDC_TEST_STATE": str(state_path), "NODE_ENV": "test"}
    log = log_path.open("w")
    process = subprocess.Popen([node, "server.mjs"], cwd=PROVIDER_DIR, env=env, stdout=subprocess.PIPE,
                               stderr=log, text=True)
    ready, _, _ = select.select([process.stdout], [], [], 30)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("issuer "):
        process.kill()
        raise RuntimeError(f"the test provider did not start: {line!r}\n{log_path.read_text()}")
    return process, line.split()[1]


def _wait_for_discovery(issuer: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=2) as response:  # noqa: S310
                if json.load(response)["issuer"] == issuer:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.1)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealProvider]:
    """npm's oidc-provider on a free loopback port (session-wide; each test resets its state)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is required for the sign-in tests: run scripts/bootstrap.sh as root")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        npm = shutil.which("npm") or pytest.fail("npm is required for the sign-in tests: run scripts/bootstrap.sh")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PROVIDER_DIR, check=True)
    tmp = tmp_path_factory.mktemp("oidc")
    provider = RealProvider("", tmp / "state.json")
    provider.reset()
    process, provider.issuer = _start(node, provider.state_path, tmp / "provider.log")
    try:
        _wait_for_discovery(provider.issuer)
        yield provider
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def provider(oidc_provider: RealProvider) -> RealProvider:
    """The provider with no users and casepath's test client registered for Flask's test client."""
    oidc_provider.reset()
    oidc_provider.register_client("http://localhost")
    return oidc_provider


def with_provider(settings: Settings, provider: RealProvider, **changes: object) -> Settings:
    """`settings` signing in with the test provider."""
    return replace(settings, oidc_issuer=provider.issuer, oidc_client_id=CLIENT_ID,
                   oidc_client_secret=CLIENT_SECRET, **changes)


@pytest.fixture
def settings(settings: Settings, provider: RealProvider) -> Settings:
    """The test settings with sign-in through the test provider."""
    return with_provider(settings, provider)
