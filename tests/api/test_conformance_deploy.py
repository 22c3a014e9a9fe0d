"""Every MIWG conformance file through the real deploy endpoint: deployed or refused, never a 500."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.helpers import error_of

CONFORMANCE = Path(__file__).resolve().parents[2].parent / "shared" / "conformance" / "miwg"
FILES = sorted(CONFORMANCE.glob("*/*.bpmn")) if CONFORMANCE.is_dir() else []


@pytest.mark.skipif(not FILES, reason="shared/conformance/miwg is not beside the project")
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_miwg_file_deploys_or_is_refused_per_element(client, make_account, path):
    lead = make_account("teamleder")
    response = client.post("/api/v1/process-models", data=path.read_bytes(), headers=lead.headers,
                           content_type="application/xml", query_string={"filename": path.name})
    assert response.status_code in (200, 201, 422), response.get_data(as_text=True)[:500]
    if response.status_code == 422:
        details = error_of(response)["details"]
        assert details
        for problem in details:
            assert problem["message"]
            assert set(problem) >= {"element_id", "element_name", "message"}
