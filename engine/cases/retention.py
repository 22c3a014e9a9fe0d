"""Retention: erase the personal data of cases closed longer ago than the retention period.

What goes (docs/retention.md): the case data and task data in the saved workflow state, the
safe-contact instructions, the free text of consents, disclosures and break-glass accesses, the
closing note and receiving municipality, and event and timer details beyond the few structural keys
statistics read; in the case record, what each task submitted, the text of journal notes and the
attachments' files, names and descriptions. What stays: the reference, process version, dates,
owner, task and timer rows (deadline outcomes), the event kinds and summaries (which never hold
personal data), and how many notes and attachments there were, when and by whom, and their sizes.
Each case is erased in its own transaction under its lock, so a crash loses nothing and a rerun
continues. The access log is kept for its own period and then deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from engine.cases import events
from engine.cases.access import CaseAccess
from engine.cases.models import BreakGlass, Case, CaseEvent, CaseState
from engine.cases.record_models import CaseAttachment, CaseNote, TaskSubmission
from engine.cases.service import lock_case
from engine.cases.summary import clear_summary
from engine.clock import Clock, system_clock
from engine.config import Settings
from engine.consent.models import Consent, Disclosure, SafeContact
from engine.deadlines.models import Timer
from engine.tasks.drafts import purge_ended as purge_ended_drafts

log = logging.getLogger(__name__)
CASE_ERASED = "case_erased"
# Event details that are structure, not content: kept for statistics and the timeline.
KEPT_DETAILS = frozenset({
    "bpmn_id", "due_at", "late_seconds", "rule_key", "fields", "from_version", "to_version", "consent_id",
    "recipient_kind", "basis", "closing_reason", "reopened_as", "reopened_from", "retention_days",
})
# Internal task data of the workflow that are engine state, not content (timer events).
KEPT_INTERNAL = frozenset({"event_fired"})


@dataclass
class RetentionReport:
    """What one retention run erased (or, in a dry run, would erase)."""

    dry_run: bool
    cases: list[tuple[str, datetime]] = field(default_factory=list)  # (reference, closed_at)
    failed: list[str] = field(default_factory=list)  # references left for the next run
    access_log_rows: int = 0
    # What the registered steps (EXTRA_STEPS) erased, by step: labels without personal data (pseudonyms).
    erased: dict[str, list[str]] = field(default_factory=dict)


# Erasure steps of packages built on cases (engine.persons registers "persons" when it is configured,
# engine.setup), run after the cases in the same run, so that engine.cases never imports them. A step
# takes (session, now, settings, dry_run), commits its own work, and returns what it erased (labels
# without personal data) and how many of its access-log rows it deleted.
RetentionStep = Callable[[Session, datetime, Settings, bool], tuple[list[str], int]]
EXTRA_STEPS: dict[str, RetentionStep] = {}


def expired_cases(session: Session, cutoff: datetime) -> list[tuple[UUID, str, datetime]]:
    """Closed, not yet erased cases closed before `cutoff`, oldest first: (id, reference, closed_at)."""
    query = select(Case.id, Case.reference, Case.closed_at).where(
        Case.status == "closed", Case.erased_at.is_(None), Case.closed_at < cutoff,
    ).order_by(Case.closed_at, Case.id)
    return [tuple(row) for row in session.execute(query)]


def _timer_value(value: Any) -> bool:
    """A timer's due time (ISO text) or cycle state: engine state that holds no personal data."""
    return isinstance(value, str) or (isinstance(value, dict) and set(value) <= {"cycles", "next", "duration"})


def _scrub_tasks(tasks: dict[str, Any]) -> dict[str, Any]:
    scrubbed = {}
    for task_id, task in tasks.items():
        internal = task.get("internal_data") or {}
        kept = {key: value for key, value in internal.items()
                if key in KEPT_INTERNAL or (key == "event_value" and _timer_value(value))}
        scrubbed[task_id] = {**task, "data": {}, "internal_data": kept,
                             **({"delta": {"updates": {}, "deletions": []}} if "delta" in task else {})}
    return scrubbed


def scrub_state(state: dict[str, Any]) -> dict[str, Any]:
    """The saved workflow state without any data: still loadable, with every task's state kept."""
    scrubbed = {**state, "data": {}, "correlations": {}, "bpmn_events": [], "tasks": _scrub_tasks(state["tasks"])}
    scrubbed["subprocesses"] = {
        sub_id: {**sub, "data": {}, "correlations": {}, "tasks": _scrub_tasks(sub.get("tasks", {}))}
        for sub_id, sub in (state.get("subprocesses") or {}).items()
    }
    return scrubbed


def _erase_content(session: Session, case: Case) -> None:
    """Blank every piece of personal data the case holds (see the module docstring)."""
    state = session.get(CaseState, case.id)
    if state is not None:
        state.state = scrub_state(state.state)
    session.execute(delete(SafeContact).where(SafeContact.case_id == case.id))
    session.execute(update(Consent).where(Consent.case_id == case.id)
                    .values(scope="", purpose="", giver_name="", giver_capacity=""))
    session.execute(update(Disclosure).where(Disclosure.case_id == case.id)
                    .values(summary="", purpose="", justification="", recipient_name=""))
    session.execute(update(BreakGlass).where(BreakGlass.case_id == case.id).values(reason=""))
    session.execute(update(Timer).where(Timer.case_id == case.id).values(details={}))
    _erase_record(session, case.id)
    for event in session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)):
        kept = {key: value for key, value in (event.details or {}).items() if key in KEPT_DETAILS}
        if kept != event.details:
            event.details = kept
    case.closing_note = None
    case.receiving_municipality = None
    clear_summary(case)


def _erase_record(session: Session, case_id: UUID) -> None:
    """The case record's personal data: submitted task data, note texts, attachments' files and names.
    The rows stay (counts, dates, who, sizes) so the record's shape and the statistics survive."""
    session.execute(update(TaskSubmission).where(TaskSubmission.case_id == case_id).values(data={}))
    session.execute(update(CaseNote).where(CaseNote.case_id == case_id).values(text=""))
    session.execute(update(CaseAttachment).where(CaseAttachment.case_id == case_id)
                    .values(content=None, filename="", description="", sha256=""))


def erase_case(session: Session, case_id: UUID, cutoff: datetime, now: datetime, retention_days: int) -> bool:
    """Erase one case's personal data and commit; False (nothing done) when it is no longer due."""
    case = lock_case(session, case_id)
    session.refresh(case)  # under the lock: another worker may have erased it a moment ago
    if case.status != "closed" or case.erased_at is not None or case.closed_at is None or case.closed_at >= cutoff:
        session.rollback()
        return False
    _erase_content(session, case)
    case.erased_at = now
    events.record(session, case.id, CASE_ERASED, None, "Sagens personoplysninger er slettet efter opbevaringsperioden",
                  details={"retention_days": retention_days}, at=now)
    session.commit()
    return True


def purge_access_log(session: Session, cutoff: datetime, dry_run: bool = False) -> int:
    """Delete (or, dry run, count) access-log entries older than `cutoff`; commit."""
    old = CaseAccess.at < cutoff
    if dry_run:
        count = session.scalar(select(func.count()).select_from(CaseAccess).where(old)) or 0
        session.rollback()
        return count
    count = session.execute(delete(CaseAccess).where(old)).rowcount or 0
    session.commit()
    return count


def run_retention(session: Session, settings: Settings, clock: Clock = system_clock,
                  dry_run: bool = False) -> RetentionReport:
    """Erase every case past `settings.retention_days` since closing, each in its own transaction,
    then delete access-log entries past `settings.access_log_retention_days`. A dry run lists what
    would go and changes nothing."""
    now = clock()
    cutoff = now - timedelta(days=settings.retention_days)
    report = RetentionReport(dry_run=dry_run)
    due = expired_cases(session, cutoff)
    session.rollback()
    for case_id, reference, closed_at in due:
        if dry_run:
            report.cases.append((reference, closed_at))
            continue
        try:
            if erase_case(session, case_id, cutoff, now, settings.retention_days):
                report.cases.append((reference, closed_at))
        except Exception as exc:  # noqa: BLE001 - one broken case must not keep every later one
            session.rollback()
            log.error("retention: case %s could not be erased (%s)", reference, type(exc).__name__)
            report.failed.append(reference)
    purge_ended_drafts(session, dry_run)  # unsent form drafts of ended tasks (erased cases' too)
    report.access_log_rows = purge_access_log(
        session, now - timedelta(days=settings.access_log_retention_days), dry_run)
    for name, step in EXTRA_STEPS.items():
        report.erased[name], log_rows = step(session, now, settings, dry_run)
        report.access_log_rows += log_rows
    if report.cases or report.access_log_rows:
        log.info("retention at %s: %d cases %s, %d access-log entries %s", now.isoformat(), len(report.cases),
                 "due" if dry_run else "erased", report.access_log_rows, "due" if dry_run else "deleted")
    return report
