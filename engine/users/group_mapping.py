"""Which provider group values give which casepath group: data (the `oidc_group_mappings` table),
edited by administrators like the lane mapping, and read at every sign-in with the identity provider.

A value is whatever the provider puts in its groups claim: a directory group's name, or (Entra ID)
its object id. Values no mapping names are kept in `oidc_unmapped_values` so administrators see
what the directory sends and can map it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput, NotFound
from engine.users.models import Group, User
from engine.users.oidc_models import GroupMapping, UnmappedGroupValue
from engine.users.permissions import require_admin

MAX_VALUE = 255


def mappings(session: Session) -> dict[str, str]:
    """Provider value -> group key, by value."""
    rows = session.scalars(select(GroupMapping).order_by(GroupMapping.external_value))
    return {row.external_value: row.group_key for row in rows}


def clean_value(value: object) -> str:
    """A provider value as stored: surrounding whitespace dropped; InvalidInput when empty or too long."""
    text = str(value or "").strip()
    if not text or len(text) > MAX_VALUE or not text.isprintable():
        raise InvalidInput(f"a provider value has 1-{MAX_VALUE} printable characters",
                           [{"field": "external_value", "message": "invalid"}])
    return text


def set_mapping(session: Session, value: str, group_key: str, actor: User | None) -> dict[str, str]:
    """Let provider value `value` give group `group_key` (an existing group) from the next sign-in; commit."""
    require_admin(actor, "change which provider groups give which casepath group")
    value = clean_value(value)
    if session.scalar(select(Group.key).where(Group.key == group_key)) is None:
        raise InvalidInput(f"there is no group {group_key!r}", [{"field": "group_key", "message": "unknown group"}])
    row = session.get(GroupMapping, value)
    if row is None:
        session.add(GroupMapping(external_value=value, group_key=group_key))
    else:
        row.group_key = group_key
    session.commit()
    return mappings(session)


def delete_mapping(session: Session, value: str, actor: User | None) -> dict[str, str]:
    """Stop provider value `value` giving a group (from the next sign-in); commit."""
    require_admin(actor, "change which provider groups give which casepath group")
    row = session.get(GroupMapping, str(value or "").strip())
    if row is None:
        raise NotFound("no mapping for that provider value")
    session.delete(row)
    session.commit()
    return mappings(session)


def groups_for(session: Session, values: Iterable[str]) -> tuple[set[str], set[str]]:
    """(group keys the values give, values no mapping names)."""
    mapping = mappings(session)
    values = set(values)
    return {mapping[value] for value in values if value in mapping}, {v for v in values if v not in mapping}


def record_unmapped(session: Session, values: Iterable[str], now: datetime) -> None:
    """Note that the provider sent `values`, which no mapping names (no commit)."""
    for value in values:
        row = session.get(UnmappedGroupValue, value)
        if row is None:
            session.add(UnmappedGroupValue(external_value=value, first_seen_at=now, last_seen_at=now))
        else:
            row.last_seen_at = now


def unmapped_values(session: Session) -> list[UnmappedGroupValue]:
    """Values seen at sign-in that no mapping names now, most recently seen first."""
    mapped = select(GroupMapping.external_value)
    query = select(UnmappedGroupValue).where(UnmappedGroupValue.external_value.not_in(mapped))
    return list(session.scalars(query.order_by(UnmappedGroupValue.last_seen_at.desc())))
