"""Which group works the tasks of a lane: data (the `lane_groups` table), edited by team leads.

The mapping is by lane name and holds for every process and version: a task created after a change
goes to the new group; tasks already waiting keep theirs.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput, PermissionDenied
from engine.process_models.models import LaneGroup
from engine.users.models import Group, User

EDITOR_GROUPS = ("teamleder", "admin")


def lane_groups(session: Session) -> dict[str, str]:
    """Lane name -> group key."""
    return {row.lane_name: row.group_key for row in session.scalars(select(LaneGroup))}


def owner_lanes(session: Session) -> list[str]:
    """The lanes whose tasks go straight to the case owner, by name."""
    return sorted(session.scalars(select(LaneGroup.lane_name).where(LaneGroup.to_owner)))


def set_lane_group(session: Session, lane_name: str, group_key: str, actor: User | None,
                   to_owner: bool | None = None) -> dict[str, str]:
    """Let `group_key` work the tasks of lanes called `lane_name`, and (`to_owner`) route them to the
    case owner or not (None: unchanged); commit; return the whole mapping."""
    if actor is not None and not actor.in_any(*EDITOR_GROUPS):
        raise PermissionDenied("only team leads and administrators may change which group works a lane")
    name = " ".join(str(lane_name or "").split())
    if not name or len(name) > 255:
        raise InvalidInput("the lane needs a name of 1-255 characters", [{"field": "lane", "message": "invalid"}])
    if session.scalar(select(Group.key).where(Group.key == group_key)) is None:
        raise InvalidInput(f"there is no group {group_key!r}", [{"field": "group", "message": "unknown group"}])
    if to_owner is not None and not isinstance(to_owner, bool):
        raise InvalidInput("to_owner is true or false", [{"field": "to_owner", "message": "true or false"}])
    row = session.get(LaneGroup, name)
    if row is None:
        row = LaneGroup(lane_name=name, group_key=group_key, to_owner=False)
        session.add(row)
    row.group_key = group_key
    if to_owner is not None:
        row.to_owner = to_owner
    session.commit()
    return lane_groups(session)
