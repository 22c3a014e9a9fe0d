"""The case owner (sagsbehandler): the caseworker who keeps the case through its whole path.

The owner is set by a team lead, directly or by completing the distribution task ("Fordel sag").
Tasks of lanes routed to the owner arrive assigned to them; a new owner takes over the old owner's
open tasks of the case, each with an event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.members import keep_confidant
from engine.cases.milestones import ASSIGNED, reach
from engine.cases.models import Case
from engine.cases.need_to_know import case_with_access
from engine.cases.service import lock_case
from engine.clock import Clock, system_clock
from engine.errors import InvalidInput
from engine.forms.formjs import map_components
from engine.process_models.models import LaneGroup
from engine.tasks.models import READY, Task
from engine.users.models import Group, User

OWNER_SET = "owner_set"


def owner_groups(session: Session) -> list[str]:
    """The groups whose members may own cases: those working the lanes routed to the owner."""
    return sorted(set(session.scalars(select(LaneGroup.group_key).where(LaneGroup.to_owner))))


def owner_candidates(session: Session, group_key: str | None = None) -> list[User]:
    """Active users who may own a case (of `group_key`, or of any owner group), by user name."""
    keys = [group_key] if group_key else owner_groups(session)
    query = select(User).where(User.active, User.groups.any(Group.key.in_(keys))).order_by(User.username)
    return list(session.scalars(query))


def suitable_owner(session: Session, username: str, group_key: str | None = None) -> User:
    """The user `username` if they may own a case; InvalidInput on `username` otherwise."""
    user = session.scalar(select(User).where(User.username == str(username or "")[:64]))
    if user is None or not user.active:
        raise InvalidInput("no such active user", [{"field": "username", "message": "Ukendt eller inaktiv bruger."}])
    keys = [group_key] if group_key else owner_groups(session)
    if keys and not user.in_any(*keys):
        message = "Brugeren er ikke rådgiver i en gruppe, der kan eje sager."
        raise InvalidInput(f"{user.username} is not a caseworker who may own cases",
                           [{"field": "username", "message": message}])
    return user


def set_owner(session: Session, case_id: UUID, username: str, actor: User | None,
              clock: Clock = system_clock) -> Case:
    """Make `username` the owner of the case (team leads); commit."""
    now = clock()
    case_with_access(session, case_id, actor, now, need="supervises")
    owner = suitable_owner(session, username)
    case = lock_case(session, case_id)
    apply_owner(session, case, owner, actor, now)
    session.commit()
    return case


def apply_owner(session: Session, case: Case, owner: User, actor: User | None, now: datetime) -> None:
    """Set the owner in the caller's transaction: the old owner's open tasks and the unclaimed tasks
    of owner lanes move to the new owner, each with an event."""
    previous = session.get(User, case.owner_id) if case.owner_id else None
    if previous is not None and previous.id == owner.id:
        return
    case.owner_id = owner.id
    events.record(session, case.id, OWNER_SET, actor, "Sagen har fået ny sagsbehandler", at=now,
                  details={"owner": owner.username, "previous": previous.username if previous else None})
    reach(session, case.id, ASSIGNED, now)
    if previous is None:  # the case moves from the one who received it to its owner
        keep_confidant(session, case, owner, actor, now)
    for task in _tasks_to_move(session, case, previous):
        task.assignee_id, task.assignee = owner.id, owner
        events.record(session, case.id, events.TASK_ASSIGNED, actor,
                      f"Opgaven '{task.name}' er flyttet til sagsbehandleren", task_id=task.id, at=now,
                      details={"assignee": owner.username})


def _tasks_to_move(session: Session, case: Case, previous: User | None) -> list[Task]:
    lanes = select(LaneGroup.lane_name).where(LaneGroup.to_owner)
    unclaimed_owner_lane = Task.assignee_id.is_(None) & Task.lane.in_(lanes)
    held = Task.assignee_id == previous.id if previous is not None else unclaimed_owner_lane
    query = select(Task).where(Task.case_id == case.id, Task.state == READY, held | unclaimed_owner_lane)
    return list(session.scalars(query.order_by(Task.created_at, Task.id)))


# The distribution task ("Fordel sag") names the field that picks the owner, and the group to pick from.
OWNER_FIELD, OWNER_GROUP = "case_owner_field", "case_owner_group"


def with_owner_choices(session: Session, schema: dict[str, Any], properties: Mapping[str, Any]) -> dict[str, Any]:
    """The form with its owner field as a list of the active members of the task's owner group."""
    field = properties.get(OWNER_FIELD)
    if not field:
        return schema
    values = [{"label": user.display_name, "value": user.username}
              for user in owner_candidates(session, properties.get(OWNER_GROUP))]

    def change(component: dict[str, Any]) -> dict[str, Any]:
        if component.get("key") == field and component.get("type") in ("textfield", "select"):
            component.update(type="select", values=values, validate={"required": True})
        return component

    return map_components(schema, change)


def chosen_owner(session: Session, properties: Mapping[str, Any], data: Mapping[str, Any]) -> User | None:
    """The owner a completion of the distribution task picks (None for other tasks)."""
    field = properties.get(OWNER_FIELD)
    if not field:
        return None
    try:
        return suitable_owner(session, str(data.get(field) or ""), properties.get(OWNER_GROUP))
    except InvalidInput as exc:
        raise InvalidInput("the chosen caseworker cannot own the case",
                           [{"field": field, "message": d["message"]} for d in exc.details]) from exc
