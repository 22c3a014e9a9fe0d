"""Schemathesis against the OpenAPI document (issue 15): every documented operation, with an
administrator's and a caseworker's token, on SQLite and PostgreSQL, a bounded number of generated
requests each. It fails on any 5xx, any answer not matching the documented schema, any undocumented
status code or content type, and names each operation that failed (METHOD path, token, check).

The figures (requests, 5xx, schema violations, time) are printed and written to
test-artifacts/schemathesis-<backend>.txt.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.helpers import deploy

# Examples per operation, token and kind of path (random, known): valid requests, and invalid ones (which must
# be refused with a documented 4xx); about 80 operations x 2 tokens x (1-2 paths) x 5 on each backend.
MODES = ((GenerationMode.POSITIVE, 3), (GenerationMode.NEGATIVE, 2))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@dataclass
class Tally:
    """What a run did and found."""

    requests: int = 0
    server_errors: int = 0
    violations: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)


def _known_path(path: str, known: dict[str, str]) -> dict[str, str]:
    """Path parameters of `path` that name something that exists (the generated ones mostly do not)."""
    names = re.findall(r"{(\w+)}", path)
    values = {name: known[name] for name in names if name in known}
    if "key" in names:
        values["key"] = "assessment_24h" if path.startswith("/deadline-rules") else "review"
    return values


def _run_operation(operation, headers: dict[str, str], who: str, tally: Tally, path: dict[str, str],
                   mode: GenerationMode, examples: int) -> None:
    label = f"{operation.method.upper()} {operation.path} [{who}, {mode.value}{', known path' if path else ''}]"
    seen: set[str] = set()

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode, path_parameters=path or None))
    def run(case) -> None:
        response = case.call(headers=headers)
        tally.requests += 1
        tally.statuses[response.status_code // 100] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as failure:  # one Failure, or a FailureGroup of them
            for problem in getattr(failure, "exceptions", [failure]):
                title = getattr(problem, "title", type(problem).__name__)
                tally.server_errors += response.status_code >= 500
                tally.violations += response.status_code < 500
                if title not in seen:  # each kind of failure once per operation, with how to reproduce it
                    seen.add(title)
                    message = str(getattr(problem, "message", problem)).splitlines()[:6]
                    tally.failures.append(f"{label}: {title} ({response.status_code}) {' / '.join(message)}\n"
                                          f"    {case.as_curl_command()[:600]}")

    run()


@pytest.fixture
def world(client, make_account):
    """An administrator (also a team lead and in reception), a caseworker, a third user, a deployed
    process and a case: the tokens, and the path parameters that name what exists."""
    admin = make_account("admin", "teamleder", "modtagerteam")
    worker = make_account("raadgiver-boern")
    other = make_account("modtagerteam")
    assert deploy(client, admin.headers).status_code == 201
    case = client.post("/api/v1/cases", json={"process_key": "review"}, headers=admin.headers).get_json()
    known = {"case_id": case["id"], "task_id": case["tasks"][0]["id"], "user_id": str(other.user.id),
             "username": other.user.username, "version": "1"}
    return {"admin": admin.headers, "caseworker": worker.headers}, known


@pytest.mark.slow
def test_schemathesis_finds_no_5xx_and_no_answer_outside_the_document(app, world, database, capsys):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    (tokens, known), tally, started = world, Tally(), time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        for who, headers in tokens.items():
            named = _known_path(operation.path, known)
            for path in ({}, named) if named else ({},):
                for mode, examples in MODES:
                    _run_operation(operation, headers, who, tally, path, mode, examples)
    seconds = time.monotonic() - started
    summary = (f"schemathesis {database.backend}: {tally.requests} requests in {seconds:.0f} s, "
               f"{tally.server_errors} 5xx, {tally.violations} schema violations; answers by class "
               f"{dict(sorted(tally.statuses.items()))}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"schemathesis-{database.backend}.txt").write_text("\n".join([summary, *tally.failures]) + "\n")
    with capsys.disabled():
        print(f"\n{summary}")
    assert tally.failures == [], summary + "\n" + "\n".join(tally.failures)


def test_the_document_shows_envelopes_and_created(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    tasks = paths["/tasks"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(tasks["properties"]) == {"items", "page", "per_page", "total"} and tasks["required"] == ["items"]
    assert set(paths["/cases"]["post"]["responses"]) >= {"201", "401", "422"} - {"200"}
    assert "200" not in paths["/cases"]["post"]["responses"]
    assert set(paths["/process-models"]["post"]["responses"]) >= {"200", "201"}
    assert "content" not in paths["/cases/{case_id}/members/{username}"]["delete"]["responses"]["204"]


@pytest.mark.parametrize("method, path, allowed", [
    ("PUT", "/api/v1/me", {"GET", "PATCH"}), ("DELETE", "/api/v1/cases", {"GET", "POST"}),
    ("POST", "/api/v1/openapi.json", {"GET"}),
])
def test_a_405_names_the_allowed_methods(client, world, method, path, allowed):
    response = client.open(path, method=method, headers=world[0]["admin"])
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


@pytest.mark.parametrize("method, path, body", [
    ("PATCH", "/api/v1/legal-exceptions/any", {"active": 0}),
    ("POST", "/api/v1/directory", {"kind": "police", "name": "Politi", "active": 0}),
    ("PATCH", "/api/v1/admin/users/{user_id}", {"active": 0}),
    ("PUT", "/api/v1/cases/{case_id}/safe-contact", {"no_voicemail": 1}),
    ("POST", "/api/v1/process-models/review/versions/1/migration", {"to_version": 1, "dry_run": "false"}),
])
def test_numbers_and_strings_are_not_booleans(client, world, method, path, body):
    (tokens, known) = world
    response = client.open(path.format(**known), method=method, json=body, headers=tokens["admin"])
    assert response.status_code == 422
    assert any(d["message"] == "Must be true or false." for d in response.get_json()["error"]["details"])
