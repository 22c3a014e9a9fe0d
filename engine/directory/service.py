"""Reading and maintaining the directory of external actors."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.directory.models import KINDS, DirectoryEntry
from engine.errors import InvalidInput, NotFound
from engine.users.models import User
from engine.users.permissions import require_admin

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIELDS = ("kind", "region", "name", "organisation", "phone", "email", "notes", "active")
LIMITS = {"kind": 32, "region": 64, "name": 255, "organisation": 255, "phone": 64, "email": 254, "notes": 4000}


def list_entries(session: Session, kind: str | None = None, region: str | None = None) -> list[DirectoryEntry]:
    """Active entries (of `kind`), for `region` plus the national ones (empty region)."""
    query = select(DirectoryEntry).where(DirectoryEntry.active)
    if kind:
        query = query.where(DirectoryEntry.kind == kind)
    if region:
        query = query.where(or_(DirectoryEntry.region == region, DirectoryEntry.region == ""))
    return list(session.scalars(query.order_by(DirectoryEntry.kind, DirectoryEntry.region, DirectoryEntry.name)))


def all_entries(session: Session, actor: User | None) -> list[DirectoryEntry]:
    """Every entry, the deactivated ones too, active first (administrators)."""
    require_admin(actor, "administer the directory")
    order = (DirectoryEntry.active.desc(), DirectoryEntry.kind, DirectoryEntry.region, DirectoryEntry.name)
    return list(session.scalars(select(DirectoryEntry).order_by(*order)))


def get_entry(session: Session, entry_id: UUID, actor: User | None) -> DirectoryEntry:
    """One entry, also a deactivated one (administrators); NotFound otherwise."""
    require_admin(actor, "administer the directory")
    entry = session.get(DirectoryEntry, entry_id)
    if entry is None:
        raise NotFound("no such directory entry")
    return entry


def _check(values: dict[str, Any], partial: bool) -> None:
    problems = []
    unknown = sorted(set(values) - set(FIELDS))
    problems += [{"field": f, "message": "unknown field"} for f in unknown]
    if (not partial or "kind" in values) and values.get("kind") not in KINDS:
        problems.append({"field": "kind", "message": f"one of {', '.join(KINDS)}"})
    if (not partial or "name" in values) and not str(values.get("name") or "").strip():
        problems.append({"field": "name", "message": "required"})
    for field, limit in LIMITS.items():
        if field in values and len(str(values[field] or "")) > limit:
            problems.append({"field": field, "message": f"at most {limit} characters"})
    if values.get("email") and not EMAIL.match(str(values["email"])):
        problems.append({"field": "email", "message": "not an e-mail address"})
    if problems:
        raise InvalidInput("the directory entry is not valid", problems)


def create_entry(session: Session, values: dict[str, Any], actor: User | None) -> DirectoryEntry:
    """Add an entry (administrators); commit."""
    require_admin(actor, "change the directory")
    _check(values, partial=False)
    entry = DirectoryEntry(**values)
    session.add(entry)
    session.commit()
    return entry


def update_entry(session: Session, entry_id: UUID, values: dict[str, Any], actor: User | None) -> DirectoryEntry:
    """Change an entry (administrators); commit. Setting `active` false hides it."""
    entry = get_entry(session, entry_id, actor)
    _check(values, partial=True)
    for field, value in values.items():
        setattr(entry, field, value)
    session.commit()
    return entry
