"""Finding cases: GET /api/v1/cases and POST /api/v1/cases/search (the same list, the search term
in the body so it stays out of URLs and server logs)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.typing import ResponseReturnValue

from engine.cases.search import CasePage, CaseRow, log_search_matches, search_cases
from webui.api import bp
from webui.api.auth import current_user, token_required
from webui.api.case_list_schemas import CaseListQuerySchema, to_query
from webui.api.cases import json_body
from webui.api.schemas import local_iso
from webui.clock import now
from webui.database import get_session

_query = CaseListQuerySchema()


def item_json(row: CaseRow) -> dict[str, Any]:
    """A listed case as the API shows it (CaseListItemSchema's fields)."""
    return {
        "id": str(row.id), "reference": row.reference, "process_key": row.process_key,
        "process_name": row.process_name, "process_version": row.process_version, "status": row.status,
        "opened_at": local_iso(row.opened_at), "closed_at": local_iso(row.closed_at),
        "owner": {"username": row.owner_username, "name": row.owner_name} if row.owner_username else None,
        "next_due_at": local_iso(row.next_due_at), "next_due_rule": row.next_due_rule,
        "overdue": row.status == "open" and row.next_due_at is not None and row.next_due_at < now(),
        "risk_level": row.risk_level, "acute": row.acute,
        "access": {"relation": row.relation, "content": row.content},
    }


def _answer(loaded: dict) -> dict[str, Any]:
    session, user = get_session(), current_user()
    page: CasePage = search_cases(session, user, to_query(loaded), now())
    log_search_matches(session, user, page, channel="api")
    return {"items": [item_json(row) for row in page.items], "page": page.page, "per_page": page.per_page,
            "total": page.total}


@bp.get("/cases")
@token_required
def list_cases() -> ResponseReturnValue:
    """Cases the access rule lets the user see: scope, filters, sorting, search, pages."""
    return _answer(_query.load(request.args.to_dict()))


@bp.post("/cases/search")
@token_required
def search() -> ResponseReturnValue:
    """The case list with its parameters in a JSON body (keeps the search term out of the URL)."""
    return _answer(_query.load(json_body()))
