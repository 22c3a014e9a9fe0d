"""The OpenAPI document describes every API route, so integrators can rely on it."""

from __future__ import annotations

import re


def test_every_api_route_is_documented(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method) for path, operations in spec["paths"].items() for method in operations}
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint in {"api.openapi_json", "api.docs"}:
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len("/api/v1"):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (path, method.lower()) not in documented:
                missing.append(f"{method} {path}")
    assert missing == []


def test_openapi_is_valid_enough_for_clients(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation["summary"], (method, path)
            assert {"200", "201", "204"} & set(operation["responses"]), (method, path)
            for parameter in operation["parameters"]:
                if parameter["in"] == "path":
                    assert "{" + parameter["name"] + "}" in path
