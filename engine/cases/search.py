"""Finding cases: "Mine sager", "Teamets sager", all open cases; filters, sorting, search, pages.

Only cases the access rule lets the user see are ever listed: every query carries the rule's
header clause (engine.cases.visibility), free text matches the searchable fields only where the
user may read the content (elsewhere only the reference), and the risk level and acute flag are
shown and filtered on only where the rule shows them (docs/access.md, "Lists"). Two statements per
page: the count and the page, whose ids are cut on the list indexes before anything is joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, insert, or_, select
from sqlalchemy.orm import Session

from engine.cases.access import CaseAccess
from engine.cases.models import BreakGlass
from engine.cases.need_to_know import BREAK_GLASS, LOCAL_ZONE, PURPOSES
from engine.cases.summary import CPR, RISK_LEVELS
from engine.cases.visibility import CASES, RuleSql, access_of, mine, rule_sql, team
from engine.errors import InvalidInput
from engine.process_models.models import ProcessVersion
from engine.tasks.models import READY, Task
from engine.users.models import User

SCOPES = ("mine", "team", "all")
STATUSES = ("open", "closed", "any")
SORTS = ("due", "-due", "opened", "-opened", "reference", "-reference")
NO_OWNER = "-"  # the owner filter's value for cases nobody owns yet
TEXT_MAX, PER_PAGE_MAX = 100, 100
SEARCH_CASE = "search_case"  # access-log kind: a free-text search matched the case's content
VERSIONS, USERS, TASKS = ProcessVersion.__table__, User.__table__, Task.__table__
_PADDED = re.compile(r"^(\d{4})-(\d{1,6})$")


@dataclass(frozen=True)
class CaseQuery:
    """One case list as asked for; `check` refuses what cannot be asked."""

    scope: str = "mine"  # mine, team, or all: every case the rule shows (team leads: every case)
    status: str = "open"
    process_key: str | None = None
    owner: str | None = None  # a user name, or NO_OWNER
    risk_level: str | None = None
    acute: bool | None = None
    overdue: bool = False
    opened_from: date | None = None
    opened_to: date | None = None
    text: str | None = None  # any part of the reference, or free text in the searchable fields
    sort: str = "due"
    page: int = 1
    per_page: int = 25


@dataclass(frozen=True)
class CaseRow:
    """A listed case: its header, and its risk and acute flag where the rule shows them."""

    id: UUID
    reference: str
    process_key: str
    process_name: str
    process_version: int
    status: str
    opened_at: datetime
    closed_at: datetime | None
    owner_username: str | None
    owner_name: str | None
    next_due_at: datetime | None
    next_due_rule: str | None  # the deadline rule of the task due then (its unit: hours left or days)
    risk_level: str | None
    acute: bool | None
    relation: str  # the user's strongest relation (need_to_know's order)
    triage: bool  # the rule shows the user the risk level and acute flag
    content: bool  # the user may read the case's content
    matched_content: bool  # the search term was found in the searchable fields, not the reference


@dataclass(frozen=True)
class CasePage:
    """One page of a case list and the number of cases it holds."""

    items: list[CaseRow]
    total: int
    page: int
    per_page: int


def check(query: CaseQuery) -> None:
    """InvalidInput naming each bad value."""
    bad = [(f, m) for f, ok, m in (
        ("scope", query.scope in SCOPES, f"one of {', '.join(SCOPES)}"),
        ("status", query.status in STATUSES, f"one of {', '.join(STATUSES)}"),
        ("risk_level", query.risk_level in (None, *RISK_LEVELS), f"one of {', '.join(RISK_LEVELS)}"),
        ("sort", query.sort in SORTS, f"one of {', '.join(SORTS)}"),
        ("page", 1 <= query.page <= 100_000, "a whole number from 1"),
        ("per_page", 1 <= query.per_page <= PER_PAGE_MAX, f"a whole number from 1 to {PER_PAGE_MAX}"),
        ("opened_to", not (query.opened_from and query.opened_to and query.opened_to < query.opened_from),
         "must not be before opened_from"),
        ("text", query.text is None or 0 < len(query.text) <= TEXT_MAX, f"1 to {TEXT_MAX} characters"),
        ("text", query.text is None or not CPR.search(query.text), "CPR numbers cannot be searched for"),
    ) if not ok]
    if bad:
        raise InvalidInput("the case list query is not valid", [{"field": f, "message": m} for f, m in bad])


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_ZONE)


def _reference_match(text: str) -> ColumnElement[bool]:
    """Any part of the reference; `2026-1` also finds 2026-000001."""
    found = CASES.c.reference.contains(text, autoescape=True)
    padded = _PADDED.match(text)
    return or_(found, CASES.c.reference == f"{padded[1]}-{int(padded[2]):06d}") if padded else found


def _text_match(rule: RuleSql, text: str) -> ColumnElement[bool]:
    """The searchable fields only where the user may read the content (stored lower-case)."""
    return and_(rule.content(), CASES.c.search_text.contains(text.casefold(), autoescape=True))


def _owner_clause(session: Session, owner: str) -> ColumnElement[bool]:
    if owner == NO_OWNER:
        return CASES.c.owner_id.is_(None)
    owner_id = session.scalar(select(USERS.c.id).where(USERS.c.username == owner))
    if owner_id is None:
        raise InvalidInput("unknown owner", [{"field": "owner", "message": "no user with this user name"}])
    return CASES.c.owner_id == owner_id


def _where(session: Session, query: CaseQuery, user: User, rule: RuleSql, now: datetime) -> list[Any]:
    # Never a case the rule would 404: "mine" holds only owned and member cases, the others add the rule.
    where: list[Any] = [mine(rule)] if query.scope == "mine" else [rule.header()]
    where += [team(user)] if query.scope == "team" else []
    if query.status != "any":
        where.append(CASES.c.status == query.status)
    if query.process_key:
        where.append(CASES.c.process_version_id.in_(select(VERSIONS.c.id).where(VERSIONS.c.key == query.process_key)))
    if query.owner:
        where.append(_owner_clause(session, query.owner))
    if query.risk_level:
        where.append(and_(rule.triage(), CASES.c.risk_level == query.risk_level))
    if query.acute is not None:
        flag = CASES.c.acute.is_(True) if query.acute else or_(CASES.c.acute.is_(None), CASES.c.acute.is_(False))
        where.append(and_(rule.triage(), flag))
    if query.overdue:
        where.append(CASES.c.next_due_at < now)
    if query.opened_from:
        where.append(CASES.c.opened_at >= _local_midnight(query.opened_from))
    if query.opened_to:
        where.append(CASES.c.opened_at < _local_midnight(query.opened_to + timedelta(days=1)))
    if query.text:
        where.append(or_(_reference_match(query.text), _text_match(rule, query.text)))
    return where


def _order(sort: str) -> list[Any]:
    column = {"due": CASES.c.next_due_at, "opened": CASES.c.opened_at, "reference": CASES.c.reference}[sort.lstrip("-")]
    descending = sort.startswith("-")
    order = [CASES.c.next_due_at.is_(None)] if sort.endswith("due") else []  # no deadline last, both ways
    order.append(column.desc() if descending else column.asc())
    if column is not CASES.c.reference:
        order.append(CASES.c.reference.desc() if descending else CASES.c.reference.asc())
    return order


def _rows(rule: RuleSql, ids: list[UUID]) -> Any:
    """The page's cases with what a list shows, and one flag per relation of the user (visibility.FLAGS)."""
    owners = USERS.alias("owner")
    due_rule = (select(TASKS.c.due_rule).where(TASKS.c.case_id == CASES.c.id, TASKS.c.state == READY,
                                               TASKS.c.due_at == CASES.c.next_due_at)
                .order_by(TASKS.c.due_rule).limit(1).scalar_subquery())
    return (select(CASES.c.id, CASES.c.reference, VERSIONS.c.key, VERSIONS.c.name, VERSIONS.c.version,
                   CASES.c.status, CASES.c.opened_at, CASES.c.closed_at, CASES.c.owner_id, owners.c.username,
                   owners.c.full_name, CASES.c.next_due_at, due_rule.label("due_rule"), CASES.c.risk_level,
                   CASES.c.acute, CASES.c.search_text, *rule.flags())
            .select_from(CASES.join(VERSIONS, VERSIONS.c.id == CASES.c.process_version_id)
                         .outerjoin(owners, owners.c.id == CASES.c.owner_id))
            .where(CASES.c.id.in_(ids)))


def _row(rule: RuleSql, r: Any, text: str | None) -> CaseRow:
    access = access_of(rule, r.owner_id, r)
    triage = access.safe_contact  # the content relations and the candidates
    matched = bool(text) and access.content and text.casefold() in (r.search_text or "")
    return CaseRow(r.id, r.reference, r.key, r.name or r.key, r.version, r.status, r.opened_at, r.closed_at,
                   r.username, (r.full_name or r.username) if r.username else None, r.next_due_at, r.due_rule,
                   r.risk_level if triage else None, r.acute if triage else None, access.relations[0],
                   triage, access.content, matched)


def search_cases(session: Session, user: User, query: CaseQuery, now: datetime) -> CasePage:
    """One page of the case list `query` asks for, as the access rule lets `user` see it at `now`."""
    check(query)
    rule = rule_sql(user, now)
    where = _where(session, query, user, rule, now)
    conn = session.connection()
    total = conn.execute(select(func.count()).select_from(CASES).where(*where)).scalar_one()
    ids = list(conn.execute(select(CASES.c.id).where(*where).order_by(*_order(query.sort))
                            .limit(query.per_page).offset((query.page - 1) * query.per_page)).scalars())
    found = {r.id: _row(rule, r, query.text) for r in conn.execute(_rows(rule, ids))} if ids else {}
    return CasePage([found[i] for i in ids if i in found], total, query.page, query.per_page)


def log_search_matches(session: Session, user: User, page: CasePage, channel: str) -> None:
    """A free-text search that matched a case's content read it: one access-log row per such case
    with the purpose of the user's relation (one statement); commit."""
    matched = [row for row in page.items if row.matched_content]
    reasons = _glass_reasons(session, user, [r.id for r in matched if r.relation == BREAK_GLASS])
    rows = [{"case_id": row.id, "user_id": user.id, "username": user.username, "kind": SEARCH_CASE,
             "channel": channel, "purpose": PURPOSES.get(row.relation, row.relation), "reason": reasons.get(row.id)}
            for row in matched]
    if rows:
        session.connection().execute(insert(CaseAccess.__table__), rows)
        session.commit()


def _glass_reasons(session: Session, user: User, case_ids: list[UUID]) -> dict[UUID, str]:
    """The stated reasons of the user's break-glass accesses to these cases (newest wins)."""
    if not case_ids:
        return {}
    rows = session.execute(select(BreakGlass.case_id, BreakGlass.reason).where(
        BreakGlass.case_id.in_(case_ids), BreakGlass.user_id == user.id).order_by(BreakGlass.at))
    return {case_id: reason for case_id, reason in rows}
