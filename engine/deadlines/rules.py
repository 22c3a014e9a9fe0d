"""Deadline rules: reading them, computing a due time, and recorded changes by administrators."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db import utcnow
from engine.deadlines import rule_guards as guards
from engine.deadlines.calendar import UNITS, DanishCalendar, parse_extra_closed
from engine.deadlines.models import DeadlineRule, DeadlineRuleChange
from engine.deadlines.timer_events import to_instant
from engine.errors import InvalidInput, NotFound
from engine.users.models import User
from engine.users.permissions import require_admin

EDITABLE = ("name", "law_reference", "amount", "unit", "description")
RuleSnapshot = Mapping[str, tuple[int, str]]


def make_calendar(extra_closed_days: str, timezone: str = "Europe/Copenhagen") -> DanishCalendar:
    """The working-day calendar configured by CASEPATH_EXTRA_CLOSED_DAYS."""
    try:
        return DanishCalendar(parse_extra_closed(extra_closed_days), timezone=timezone)
    except ValueError as exc:
        raise InvalidInput(f"CASEPATH_EXTRA_CLOSED_DAYS: {exc}") from exc


_calendar: DanishCalendar | None = None


def configure_calendar(extra_closed_days: str, timezone: str = "Europe/Copenhagen") -> DanishCalendar:
    """Set the process-wide calendar from settings (the app factory and the CLI call this)."""
    global _calendar
    _calendar = make_calendar(extra_closed_days, timezone)
    return _calendar


def calendar() -> DanishCalendar:
    """The configured calendar (the default Danish one until configured)."""
    global _calendar
    if _calendar is None:
        _calendar = DanishCalendar()
    return _calendar


def list_rules(session: Session) -> list[DeadlineRule]:
    """Every rule, by key."""
    return list(session.scalars(select(DeadlineRule).order_by(DeadlineRule.key)))


def get_rule(session: Session, key: str) -> DeadlineRule:
    """The rule `key`; NotFound otherwise."""
    rule = session.get(DeadlineRule, key)
    if rule is None:
        raise NotFound(f"no deadline rule {key!r}")
    return rule


class _RulesOnFirstUse(Mapping[str, tuple[int, str]]):
    """The rules, read from the session when a diagram first asks for one: most steps of a case
    evaluate no deadline, and a query per step adds up."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._rules: dict[str, tuple[int, str]] | None = None

    def _loaded(self) -> dict[str, tuple[int, str]]:
        if self._rules is None:
            self._rules = {key: (amount, unit) for key, amount, unit in
                           self._session.execute(select(DeadlineRule.key, DeadlineRule.amount, DeadlineRule.unit))}
        return self._rules

    def __getitem__(self, key: str) -> tuple[int, str]:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


def snapshot(session: Session) -> RuleSnapshot:
    """(amount, unit) of every rule, as timers created in this transaction will use them."""
    return _RulesOnFirstUse(session)


def compute_due(calendar: DanishCalendar, amount: int, unit: str, start: datetime) -> datetime:
    """When a deadline of `amount` `unit` counted from `start` runs out."""
    return calendar.due(start, amount, unit)


def deadline_function(rules: RuleSnapshot, calendar: DanishCalendar, clock: Callable[[], datetime]) -> Callable:
    """`deadline(rule_key, start)` for diagrams: the due instant of a rule counted from `start`."""

    def deadline(rule_key: Any, start: Any = None) -> datetime:
        if not isinstance(rule_key, str) or rule_key not in rules:
            raise ValueError(f"unknown deadline rule {rule_key!r}")
        amount, unit = rules[rule_key]
        moment = clock() if start is None else to_instant(start)
        return compute_due(calendar, amount, unit, moment)

    return deadline


def update_rule(session: Session, key: str, changes: dict[str, Any], actor: User | None,
                reason: str | None = None) -> DeadlineRule:
    """Change a rule (administrators) for `reason`, record the change, commit. Running timers keep
    their due time. A statutory rule stays within its bounds, and the name follows the length
    (engine.deadlines.rule_guards); each problem is a detail of one InvalidInput."""
    require_admin(actor, "change deadline rules")
    rule = get_rule(session, key)
    _check_fields(changes)
    before = {field: getattr(rule, field) for field in EDITABLE}
    after = {**before, **changes}
    after["name"], problems = _name_after(before, after, "name" in changes and changes["name"] != before["name"])
    problems += guards.bound_problems(rule, after["amount"], after["unit"])
    if after != before:
        problems += guards.reason_problems(reason)
    if problems:
        raise InvalidInput("the deadline rule cannot be changed like this", [p.detail() for p in problems])
    if after != before:
        for field, value in after.items():
            setattr(rule, field, value)
        rule.updated_at = utcnow()
        rule.updated_by = actor.username if actor else "system"
        session.add(DeadlineRuleChange(rule_key=key, changed_by=rule.updated_by, before=before, after=after,
                                       changed_at=rule.updated_at, reason=str(reason).strip()))
    session.commit()
    return rule


def _check_fields(changes: dict[str, Any]) -> None:
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput("unknown fields", [{"field": f, "message": "cannot be changed"} for f in unknown])
    if "unit" in changes and changes["unit"] not in UNITS:
        raise InvalidInput("invalid unit", [{"field": "unit", "message": f"one of {', '.join(UNITS)}"}])
    if "amount" in changes and (not isinstance(changes["amount"], int) or not 0 < changes["amount"] <= 1000):
        raise InvalidInput("invalid amount", [{"field": "amount", "message": "a whole number from 1 to 1000"}])


def _name_after(before: dict[str, Any], after: dict[str, Any], written: bool) -> tuple[str, list]:
    """(the name after the change, problems): a name the administrator wrote must state the rule's
    length if any; one they left alone follows a changed length."""
    if written:
        return after["name"], guards.name_problems(after["name"], after["amount"], after["unit"])
    if (after["amount"], after["unit"]) == (before["amount"], before["unit"]):
        return before["name"], []
    return guards.follow_length(before["name"], after["amount"], after["unit"]), []


def rule_changes(session: Session, key: str) -> list[DeadlineRuleChange]:
    """The recorded changes of a rule, oldest first."""
    get_rule(session, key)
    return list(session.scalars(
        select(DeadlineRuleChange).where(DeadlineRuleChange.rule_key == key).order_by(DeadlineRuleChange.id)
    ))
