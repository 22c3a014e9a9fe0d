"""Retention of persons: a person in no case is erased after the retention period.

A person is erased (their row deleted, and with it every link) when no case they are linked to still
holds personal data, i.e. every linked case has been erased by the case retention run, or when they
are in no case at all and their record has not changed (`updated_at`: registration, a change, being
taken off a case) for CASEPATH_RETENTION_DAYS. The person access log keeps its rows for its own
period (their person id becomes empty; the keyed hash of a looked-up number stays until then).
The case retention run (engine.cases.retention.run_retention) calls `erase_persons` after the cases.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, exists, select
from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.config import Settings
from engine.persons.access_log import purge
from engine.persons.models import CasePerson, Person
from engine.persons.signal_models import FamilyLink, PersonSignal


def _due(cutoff: datetime):  # noqa: ANN202 - a SQL condition
    live = exists().where(CasePerson.person_id == Person.id, CasePerson.case_id == Case.id, Case.erased_at.is_(None))
    linked = exists().where(CasePerson.person_id == Person.id)
    return and_(~live, linked | (Person.updated_at < cutoff))


def expired_persons(session: Session, cutoff: datetime) -> list[str]:
    """The pseudonyms of the persons due for erasure (see the module docstring), oldest first."""
    query = select(Person.pseudonym).where(_due(cutoff)).order_by(Person.updated_at, Person.id)
    return list(session.scalars(query))


def erase_persons(session: Session, cutoff: datetime, dry_run: bool = False) -> list[str]:
    """Delete (or, dry run, list) the persons due for erasure; commit. Returns their pseudonyms (the
    only thing about them a report may show)."""
    due = expired_persons(session, cutoff)
    if dry_run or not due:
        session.rollback()
        return due
    ids = select(Person.id).where(Person.pseudonym.in_(due))
    session.execute(delete(CasePerson).where(CasePerson.person_id.in_(ids)))
    session.execute(delete(Person).where(Person.pseudonym.in_(due)))
    session.commit()
    return due


def purge_person_log(session: Session, cutoff: datetime, dry_run: bool = False) -> int:
    """Delete (or count) person access-log rows older than `cutoff`; commit."""
    count = purge(session, cutoff, dry_run)
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return count


def forget_erased_pairs(session: Session, dry_run: bool = False) -> int:
    """Delete (or count) and commit the signals and family links of which a case has been erased: an erased case
    tells no other unit anything. (A person's own erasure takes their signals with it: ON DELETE CASCADE.)"""
    erased = select(Case.id).where(Case.erased_at.is_not(None))
    count = 0
    for model in (PersonSignal, FamilyLink):
        gone = model.case_a_id.in_(erased) | model.case_b_id.in_(erased)
        count += len(session.scalars(select(model.id).where(gone)).all())
        if not dry_run:
            session.execute(delete(model).where(gone))
    if not dry_run:
        session.commit()
    return count


def retention_step(session: Session, now: datetime, settings: Settings, dry_run: bool) -> tuple[list[str], int]:
    """The persons' part of the retention run (engine.cases.retention.EXTRA_STEPS)."""
    forget_erased_pairs(session, dry_run)
    erased = erase_persons(session, now - timedelta(days=settings.retention_days), dry_run)
    log_rows = purge_person_log(session, now - timedelta(days=settings.access_log_retention_days), dry_run)
    return erased, log_rows
