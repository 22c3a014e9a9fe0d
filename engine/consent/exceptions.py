"""The maintained list of legal bases for sharing without consent (administrators keep it current).

Sharing tasks offer the active entries, and a completion is checked against them, so a basis an
administrator adds can be used at once and one switched off cannot be used any more. Entries are
never deleted: recorded disclosures refer to them.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.consent.models import LegalException
from engine.errors import InvalidInput, NotFound
from engine.users.models import User
from engine.users.permissions import require_admin

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
_KEY = re.compile(KEY_PATTERN)
LIMITS = {"name": 255, "law_reference": 255}


def all_exceptions(session: Session) -> list[LegalException]:
    """Every entry, active or not, by key."""
    return list(session.scalars(select(LegalException).order_by(LegalException.key)))


def _check(values: dict[str, Any], partial: bool) -> None:
    problems = [{"field": f, "message": "unknown field"} for f in sorted(set(values) - {*LIMITS, "key", "active"})]
    if (not partial or "name" in values) and not str(values.get("name") or "").strip():
        problems.append({"field": "name", "message": "required"})
    for field, limit in LIMITS.items():
        if field in values and len(str(values[field] or "")) > limit:
            problems.append({"field": field, "message": f"at most {limit} characters"})
    if "active" in values and not isinstance(values["active"], bool):
        problems.append({"field": "active", "message": "true or false"})
    if problems:
        raise InvalidInput("the legal basis is not valid", problems)


def create_exception(session: Session, values: dict[str, Any], actor: User | None) -> LegalException:
    """Add a legal basis (administrators); commit."""
    require_admin(actor, "change the list of legal bases")
    key = str(values.get("key") or "")
    if not _KEY.match(key):
        raise InvalidInput("the key must be lower-case letters, digits and _",
                           [{"field": "key", "message": "invalid key"}])
    _check(values, partial=False)
    if session.get(LegalException, key) is not None:
        raise InvalidInput(f"a legal basis {key!r} exists already", [{"field": "key", "message": "exists"}])
    entry = LegalException(key=key, name=str(values["name"]).strip(),
                           law_reference=str(values.get("law_reference") or "").strip(),
                           active=values.get("active", True))
    session.add(entry)
    session.commit()
    return entry


def update_exception(session: Session, key: str, values: dict[str, Any], actor: User | None) -> LegalException:
    """Change a legal basis (administrators); `active: false` stops its use from now on; commit."""
    require_admin(actor, "change the list of legal bases")
    entry = session.get(LegalException, key)
    if entry is None:
        raise NotFound("no such legal basis")
    if "key" in values and values["key"] != key:
        raise InvalidInput("the key cannot be changed", [{"field": "key", "message": "cannot be changed"}])
    _check({k: v for k, v in values.items() if k != "key"}, partial=True)
    for field in ("name", "law_reference"):
        if field in values:
            setattr(entry, field, str(values[field] or "").strip())
    if "active" in values:
        entry.active = values["active"]
    session.commit()
    return entry
