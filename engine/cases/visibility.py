"""The access rule as SQL, for lists of cases: the same relations as need_to_know.access_to.

A case list cannot ask access_to for each of 20,000 cases, so the rule's relations are written here
as SQL on the `cases` table for one user at one instant. They must agree with access_to for every
relation (tests/engine/cases/test_case_visibility.py checks each one):

- header (listed at all): owner, caseworker member (until not passed), holder of a READY task,
  candidate of an unclaimed READY task, knowledge-person member, team lead (every case), active
  break-glass access, administrator (every case);
- content (free-text search matches the searchable fields): owner, caseworker member, holder of a
  READY task, team lead, break glass;
- triage (risk level and acute shown and filtered on): the content relations and the candidates,
  the relations a task list shows a case's safe contact to (need_to_know.listed_with_safe_contact).

Filters use id lists (the cases of each relation), so the database reads those few cases by key;
a page's rows get one flag per relation (an indexed probe each), from which `access_of` builds the
need_to_know.Access that access_to would, in its order of relations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true, union_all

from engine.cases.models import BreakGlass, Case, CaseMember
from engine.cases.need_to_know import (
    ADMIN,
    ADMIN_GROUP,
    ASSIGNEE,
    BREAK_GLASS,
    CANDIDATE,
    CASEWORKER,
    KNOWLEDGE_PERSON,
    OWNER,
    TEAM_LEAD,
    TEAM_LEAD_GROUP,
    Access,
    local_today,
)
from engine.tasks.models import READY, Task
from engine.users.models import Group, User, user_groups

CASES, MEMBERS, TASKS, GLASS = Case.__table__, CaseMember.__table__, Task.__table__, BreakGlass.__table__
GROUPS = Group.__table__
OWNED = CASES.alias("owned")  # the owner's cases as an id list (never correlated with the outer query)
FLAGS = ("is_caseworker", "is_assignee", "is_break_glass", "is_candidate", "is_knowledge_person")


@dataclass(frozen=True)
class RuleSql:
    """One user's relations to every case at one instant: for each relation, a condition on the
    row of a relation table (members, tasks, break glass) that names a case the user has it to."""

    user: User
    now: datetime

    @property
    def groups(self) -> list[str]:
        return sorted(self.user.group_keys)

    @property
    def team_lead(self) -> bool:
        return self.user.in_any(TEAM_LEAD_GROUP)

    @property
    def admin(self) -> bool:
        return self.user.in_any(ADMIN_GROUP)

    def _member(self, *roles: str) -> ColumnElement[bool]:
        return and_(MEMBERS.c.user_id == self.user.id, MEMBERS.c.role.in_(roles),
                    or_(MEMBERS.c.until.is_(None), MEMBERS.c.until >= local_today(self.now)))

    def _held(self) -> ColumnElement[bool]:
        return and_(TASKS.c.state == READY, TASKS.c.assignee_id == self.user.id)

    def _waiting(self) -> ColumnElement[bool]:
        return and_(TASKS.c.state == READY, TASKS.c.assignee_id.is_(None), TASKS.c.candidate_group.in_(self.groups))

    def _glass(self) -> ColumnElement[bool]:
        return and_(GLASS.c.user_id == self.user.id, GLASS.c.expires_at > self.now)

    # -- id lists, for filtering ---------------------------------------------------------------

    def ids(self, relation: str) -> Select[Any]:
        """The ids of the cases the user has `relation` to (one of FLAGS' names, or owner, member)."""
        return {
            "is_owner": lambda: select(OWNED.c.id).where(OWNED.c.owner_id == self.user.id),
            "is_caseworker": lambda: select(MEMBERS.c.case_id).where(self._member("caseworker")),
            "is_knowledge_person": lambda: select(MEMBERS.c.case_id).where(self._member("knowledge_person")),
            "is_member": lambda: select(MEMBERS.c.case_id).where(self._member("caseworker", "knowledge_person")),
            "is_assignee": lambda: select(TASKS.c.case_id).where(self._held()),
            "is_candidate": lambda: select(TASKS.c.case_id).where(self._waiting()),
            "is_break_glass": lambda: select(GLASS.c.case_id).where(self._glass()),
        }[relation]()

    def any_of(self, *relations: str) -> ColumnElement[bool]:
        """The case is one the user has one of `relations` to (names as in `ids`)."""
        parts = [self.ids(r) for r in relations if r != "is_candidate" or self.groups]
        return CASES.c.id.in_(union_all(*parts))

    def header(self) -> ColumnElement[bool]:
        """The case may be listed: the user has some relation to it."""
        if self.team_lead or self.admin:
            return true()
        return self.any_of("is_owner", *FLAGS)

    def content(self) -> ColumnElement[bool]:
        """The user may read the case's content (and so search its searchable fields)."""
        return true() if self.team_lead else self.any_of("is_owner", "is_caseworker", "is_assignee", "is_break_glass")

    def triage(self) -> ColumnElement[bool]:
        """The user may see the case's risk level and acute flag."""
        if self.team_lead:
            return true()
        return self.any_of("is_owner", "is_caseworker", "is_assignee", "is_break_glass", "is_candidate")

    # -- flags, for a page's rows ----------------------------------------------------------------

    def flags(self) -> list[ColumnElement[bool]]:
        """One column per relation of FLAGS for the row's case (indexed probes, for a page of rows)."""
        waiting = exists().where(TASKS.c.case_id == CASES.c.id, self._waiting()) if self.groups else false()
        return [
            exists().where(MEMBERS.c.case_id == CASES.c.id, self._member("caseworker")).label("is_caseworker"),
            exists().where(TASKS.c.case_id == CASES.c.id, self._held()).label("is_assignee"),
            exists().where(GLASS.c.case_id == CASES.c.id, self._glass()).label("is_break_glass"),
            waiting.label("is_candidate"),
            exists().where(MEMBERS.c.case_id == CASES.c.id, self._member("knowledge_person"))
            .label("is_knowledge_person"),
        ]


def rule_sql(user: User, now: datetime) -> RuleSql:
    """The rule's relations of `user` at `now` (need_to_know.access_to, for every case at once)."""
    return RuleSql(user, now)


def access_of(rule: RuleSql, owner_id: UUID | None, row: Any) -> Access:
    """The Access access_to gives, from a row with the FLAGS columns: the same relations in the same
    order (the first names the purpose of a read)."""
    found = [(owner_id == rule.user.id, OWNER), (row.is_caseworker, CASEWORKER), (row.is_assignee, ASSIGNEE),
             (rule.team_lead, TEAM_LEAD), (row.is_break_glass, BREAK_GLASS), (row.is_candidate, CANDIDATE),
             (row.is_knowledge_person, KNOWLEDGE_PERSON), (rule.admin, ADMIN)]
    return Access(tuple(relation for present, relation in found if present))


def mine(rule: RuleSql) -> ColumnElement[bool]:
    """"Mine sager": cases the user owns or is an active member of (never one the rule would 404)."""
    return rule.any_of("is_owner", "is_member")


def team(user: User) -> ColumnElement[bool]:
    """"Teamets sager": cases of the user's groups' work: a READY task whose candidate group is one of
    the user's groups, or an owner who is in one of them (docs/access.md, "Lists"). The list adds the
    rule's header clause: a colleague's case the rule would 404 is never listed."""
    groups = sorted(user.group_keys)
    if not groups:
        return false()
    work = select(TASKS.c.case_id).where(TASKS.c.state == READY, TASKS.c.candidate_group.in_(groups))
    colleagues = (select(user_groups.c.user_id).join(GROUPS, GROUPS.c.id == user_groups.c.group_id)
                  .where(GROUPS.c.key.in_(groups)))
    return or_(CASES.c.id.in_(work), and_(CASES.c.owner_id.is_not(None), CASES.c.owner_id.in_(colleagues)))
