"""Need-to-know: what a person may see and do with a case follows their current involvement.

This is the one access rule (docs/access.md). Every API route, page, mail, export and report that
takes a case, a task or a person asks it. Group membership alone never opens a case's content: a
leak can put the person the case is about in danger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine.cases.models import BreakGlass, Case, CaseMember
from engine.errors import NotFound, PermissionDenied
from engine.tasks.models import READY, Task
from engine.users.models import User

OWNER, CASEWORKER, ASSIGNEE, TEAM_LEAD = "owner", "caseworker", "assignee", "team_lead"
BREAK_GLASS, CANDIDATE, KNOWLEDGE_PERSON, ADMIN = "break_glass", "candidate", "knowledge_person", "admin"
TEAM_LEAD_GROUP, ADMIN_GROUP = "teamleder", "admin"
# Strongest first: the first relation a person has names the purpose of their reads.
PURPOSES = {OWNER: "owner_work", CASEWORKER: "case_work", ASSIGNEE: "task", TEAM_LEAD: "supervision",
            BREAK_GLASS: "break_glass", CANDIDATE: "task", KNOWLEDGE_PERSON: "digest", ADMIN: "administration"}
CONTENT_RELATIONS = frozenset({OWNER, CASEWORKER, ASSIGNEE, TEAM_LEAD, BREAK_GLASS})
CASE_WORK_RELATIONS = frozenset({OWNER, CASEWORKER, TEAM_LEAD, BREAK_GLASS})
OPERATOR = "operator"  # the CLI and the worker (no user): everything
LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")


@dataclass(frozen=True)
class Access:
    """A person's relations to one case, and what follows from them."""

    relations: tuple[str, ...]
    task_ids: frozenset[UUID] = frozenset()  # open tasks they hold or may claim
    reason: str | None = None  # the stated reason of a break-glass access
    unowned: bool = False  # the case has no owner yet and this person holds one of its tasks

    @property
    def header(self) -> bool:
        """Reference, process, status, deadlines, owner."""
        return bool(self.relations)

    @property
    def content(self) -> bool:
        """Data, record, consents, disclosures, safe contact, diagram."""
        return self.relations == (OPERATOR,) or not CONTENT_RELATIONS.isdisjoint(self.relations)

    @property
    def digest(self) -> bool:
        """The anonymised digest (knowledge persons; anyone who may read the content)."""
        return self.content or KNOWLEDGE_PERSON in self.relations

    @property
    def safe_contact(self) -> bool:
        """The safe-contact instructions: with the content, and for the candidates of a waiting task."""
        return self.content or CANDIDATE in self.relations

    @property
    def case_work(self) -> bool:
        """Record consents and safe contact, add members: the owner's circle and the team lead.

        Before a case has an owner, whoever holds one of its tasks works it (the reception team).
        """
        return self.content and (self.relations == (OPERATOR,) or not CASE_WORK_RELATIONS.isdisjoint(self.relations)
                                 or self.unowned)

    @property
    def supervises(self) -> bool:
        """Assign, set the owner, close, take over any task."""
        return self.relations == (OPERATOR,) or TEAM_LEAD in self.relations

    @property
    def manages(self) -> bool:
        """Close the case, add and remove members: its owner and the team leads."""
        return self.supervises or OWNER in self.relations

    @property
    def purpose(self) -> str:
        """Why this person reads the case, for the access log."""
        return PURPOSES.get(self.relations[0], self.relations[0]) if self.relations else ""


def local_today(now: datetime) -> date:
    """The Danish date of `now` (memberships run to the end of their last day)."""
    return now.astimezone(LOCAL_ZONE).date()


def _member_role(session: Session, case: Case, user: User, now: datetime) -> str | None:
    today = local_today(now)
    return session.scalar(select(CaseMember.role).where(
        CaseMember.case_id == case.id, CaseMember.user_id == user.id,
        or_(CaseMember.until.is_(None), CaseMember.until >= today)))


def _open_tasks(session: Session, case: Case, user: User) -> list[tuple[UUID, UUID | None]]:
    mine_or_waiting = or_(Task.assignee_id == user.id,
                          and_(Task.assignee_id.is_(None), Task.candidate_group.in_(user.group_keys)))
    rows = session.execute(select(Task.id, Task.assignee_id).where(
        Task.case_id == case.id, Task.state == READY, mine_or_waiting))
    return [(task_id, holder) for task_id, holder in rows]


def _break_glass(session: Session, case: Case, user: User, now: datetime) -> str | None:
    return session.scalar(select(BreakGlass.reason).where(
        BreakGlass.case_id == case.id, BreakGlass.user_id == user.id, BreakGlass.expires_at > now,
    ).order_by(BreakGlass.at.desc()).limit(1))


def access_to(session: Session, case: Case, user: User | None, now: datetime) -> Access:
    """Every relation `user` has to `case` at `now` (None: the operator)."""
    if user is None:
        return Access((OPERATOR,))
    relations: list[str] = []
    if case.owner_id == user.id:
        relations.append(OWNER)
    role = _member_role(session, case, user, now)
    if role == "caseworker":
        relations.append(CASEWORKER)
    tasks = _open_tasks(session, case, user)
    held = frozenset(task_id for task_id, holder in tasks if holder == user.id)
    if held:
        relations.append(ASSIGNEE)
    if user.in_any(TEAM_LEAD_GROUP):
        relations.append(TEAM_LEAD)
    reason = _break_glass(session, case, user, now)
    if reason is not None:
        relations.append(BREAK_GLASS)
    if len(held) < len(tasks):
        relations.append(CANDIDATE)
    if role == "knowledge_person":
        relations.append(KNOWLEDGE_PERSON)
    if user.in_any(ADMIN_GROUP):
        relations.append(ADMIN)
    return Access(tuple(relations), frozenset(task_id for task_id, _ in tasks), reason,
                  unowned=case.owner_id is None and bool(held))


class CaseRef(NamedTuple):
    """What access_to reads of a case row: its id and owner."""

    id: UUID
    owner_id: UUID | None


def task_access(session: Session, user: User, task: Any, owner_id: UUID | None, now: datetime) -> Access:
    """The user's access to the case of `task` (a row with id, case_id, state, assignee_id and
    candidate_group), for deciding an action on that task: claim, unclaim, assign, complete.

    The task itself settles it for its holder and, while nobody holds it, its candidates, and the
    user's groups settle it for team leads (a relation to every case); the relations returned are
    then those, and for this task they give the same header, may_open_task and supervises as
    access_to's full set, without reading the case's members or break-glass access. Anyone else
    gets access_to's answer. Not for logging or showing content: use access_to there.
    """
    ready = task.state == READY
    mine = ready and task.assignee_id == user.id
    waiting = ready and task.assignee_id is None and task.candidate_group in user.group_keys
    relations = [ASSIGNEE] if mine else []
    if user.in_any(TEAM_LEAD_GROUP):
        relations.append(TEAM_LEAD)
    if waiting:
        relations.append(CANDIDATE)
    if not relations:
        return access_to(session, CaseRef(task.case_id, owner_id), user, now)  # type: ignore[arg-type]
    return Access(tuple(relations), frozenset({task.id}) if mine or waiting else frozenset())


def access_to_new_case(user: User | None, tasks: list[Any]) -> Access:
    """access_to for a case opened in this very transaction, from what it wrote: a new case has no
    owner, members or break-glass access yet, so the user's groups and its first tasks (rows with id,
    state, assignee_id, candidate_group) settle every relation, as access_to would read them."""
    if user is None:
        return Access((OPERATOR,))
    held = frozenset(t.id for t in tasks if t.state == READY and t.assignee_id == user.id)
    waiting = frozenset(t.id for t in tasks if t.state == READY and t.assignee_id is None
                        and t.candidate_group in user.group_keys)
    relations = [ASSIGNEE] if held else []
    relations += [TEAM_LEAD] if user.in_any(TEAM_LEAD_GROUP) else []
    relations += [CANDIDATE] if waiting else []
    relations += [ADMIN] if user.in_any(ADMIN_GROUP) else []
    return Access(tuple(relations), held | waiting, unowned=bool(held))


def case_with_access(session: Session, case_id: UUID, user: User | None, now: datetime,
                     need: str = "header") -> tuple[Case, Access]:
    """The case and the user's access, if it grants `need` (header, content, digest, safe_contact,
    case_work, supervises). No relation at all: NotFound, the same answer as for a missing case,
    since a case's existence is itself sensitive. A relation without `need`: PermissionDenied."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("no such case")
    access = access_to(session, case, user, now)
    if not access.header:
        raise NotFound("no such case")
    if not getattr(access, need):
        raise PermissionDenied(DENIALS.get(need, "you are not involved in this case"))
    return case, access


def may_open_task(access: Access, task: Task) -> bool:
    """A task's form: for those who may read the case, and for the task's own holder or candidates."""
    return access.content or task.id in access.task_ids


def listed_with_safe_contact(user: User, task: Task) -> bool:
    """Whether a task list shows this READY task's safe-contact instructions: to its holder, to its
    candidates while nobody holds it, and to team leads (the relations a list can show at once)."""
    waiting = task.assignee_id is None and task.candidate_group in user.group_keys
    return task.assignee_id == user.id or waiting or user.in_any(TEAM_LEAD_GROUP)


def listing_purpose(user: User, task: Task) -> str:
    """The purpose logged for a listed task's safe-contact instructions."""
    mine = task.assignee_id == user.id or (task.assignee_id is None and task.candidate_group in user.group_keys)
    return PURPOSES[ASSIGNEE] if mine else PURPOSES[TEAM_LEAD]


DENIALS = {
    "content": "you may see that the case exists, not its content: you are not working on it",
    "digest": "you may see that the case exists, not its content: you are not working on it",
    "safe_contact": "only those working on the case see its safe-contact instructions",
    "case_work": "only the case owner, its caseworkers and the team leads may change this",
    "supervises": "only team leads may do this",
    "manages": "only the case owner and the team leads may do this",
}
