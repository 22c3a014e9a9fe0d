"""Moving open cases to a newer version of their process (SpiffWorkflow's diff and migrate).

A case can move when every task it has done still exists in the new version and none of its
current (ready or waiting) tasks changed. Each case moves in its own transaction, with an event.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from uuid import UUID

from SpiffWorkflow.bpmn.util.diff import SpecDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.cases import events
from engine.cases.models import Case
from engine.cases.runtime import CaseRun, load_case_run, run_engine, specs_for
from engine.cases.service import lock_case
from engine.cases.workflow_state import SERIALIZER
from engine.errors import InvalidInput, PermissionDenied
from engine.process_models.models import ProcessVersion
from engine.tasks.models import READY, Task
from engine.users.models import User

log = logging.getLogger(__name__)
MIGRATOR_GROUPS = ("teamleder", "admin")
CURRENT = TaskState.READY | TaskState.WAITING
NOT_REACHED = TaskState.PREDICTED_MASK | TaskState.FUTURE
CONNECTIVITY = {"inputs", "outputs"}


@dataclass(frozen=True)
class MigrationCheck:
    """Whether one case can move to the target version, and why not."""

    case_id: UUID
    reference: str
    movable: bool
    reason: str


def _names(tasks: list) -> str:
    names = sorted({t.task_spec.bpmn_name or t.task_spec.bpmn_id or t.task_spec.name for t in tasks})
    return ", ".join(f"'{n}'" for n in names)


def _changed_specs(old_spec: object, new_spec: object) -> set[str]:
    """Names of task specs whose own settings changed; a changed path after a step is not a change of it."""
    changes = SpecDiff(SERIALIZER.registry, old_spec, new_spec).changed
    return {spec.name for spec, keys in changes.items() if set(keys) - CONNECTIVITY}


def _repredicted(task: object) -> bool:
    """A step not reached yet under a current one: migrating resets that branch and predicts it anew."""
    if not task.has_state(NOT_REACHED):
        return False
    parent = task.parent
    while parent is not None:
        if parent.has_state(CURRENT):
            return True
        parent = parent.parent
    return False


def check_case(run: CaseRun, target: ProcessVersion, specs: tuple) -> MigrationCheck:
    """Diff a loaded case against the target specs."""
    case = run.case
    if case.status != "open":
        return MigrationCheck(case.id, case.reference, False, "the case is closed")
    if case.process_version_id == target.id:
        return MigrationCheck(case.id, case.reference, False, "the case is already on this version")
    spec, dependencies = specs
    top, subs = diff_workflow(SERIALIZER.registry, run.workflow, spec, dependencies)
    if any(diff is None for diff in subs.values()):
        return MigrationCheck(case.id, case.reference, False, "a sub-process it runs no longer exists")
    # SpiffWorkflow's diff also lists predicted steps; only those the case has reached block it.
    removed = [t for diff in (top, *subs.values()) for t in diff.removed
               if t.task_spec.bpmn_id and not _repredicted(t)]
    if removed:
        return MigrationCheck(case.id, case.reference, False, f"steps it has reached were removed: {_names(removed)}")
    changed_names = _changed_specs(run.workflow.spec, spec)
    for sub in run.workflow.subprocesses.values():
        changed_names |= _changed_specs(sub.spec, dependencies[sub.spec.name])
    current = [t for t in run.workflow.get_tasks(state=CURRENT) if t.task_spec.bpmn_id]
    changed = [t for t in current if t.task_spec.name in changed_names]
    if changed:
        return MigrationCheck(case.id, case.reference, False, f"its current steps changed: {_names(changed)}")
    return MigrationCheck(case.id, case.reference, True, "can move")


def require_migrator(actor: User | None) -> None:
    """Refuse unless `actor` is a team lead, an administrator or the system (None)."""
    if actor is not None and not actor.in_any(*MIGRATOR_GROUPS):
        raise PermissionDenied("only team leads and administrators may migrate cases")


def _cases(session: Session, source: ProcessVersion, case_ids: list[UUID] | None) -> list[UUID]:
    query = select(Case.id).where(Case.process_version_id == source.id, Case.status == "open")
    if case_ids is not None:
        query = query.where(Case.id.in_(case_ids))
    return list(session.scalars(query.order_by(Case.opened_at)))


def dry_run(session: Session, source: ProcessVersion, target: ProcessVersion, actor: User | None,
            case_ids: list[UUID] | None = None) -> list[MigrationCheck]:
    """Which open cases of `source` (all, or `case_ids`) can move to `target`, and why the others cannot."""
    require_migrator(actor)
    if source.key != target.key:
        raise InvalidInput("cases can only move between versions of the same process")
    specs = specs_for(session, target)
    checks = []
    for case_id in _cases(session, source, case_ids):
        run = load_case_run(session, session.get(Case, case_id))
        checks.append(check_case(run, target, specs))
    session.rollback()
    return checks


def migrate(session: Session, source: ProcessVersion, target: ProcessVersion, actor: User | None,
            case_ids: list[UUID] | None = None) -> list[MigrationCheck]:
    """Move every movable case, each in its own transaction; returns what happened to each."""
    require_migrator(actor)
    if source.key != target.key:
        raise InvalidInput("cases can only move between versions of the same process")
    results = []
    for case_id in _cases(session, source, case_ids):
        try:
            results.append(_migrate_one(session, case_id, target, actor))
        except Exception as exc:  # one case that cannot move must not stop the others
            session.rollback()
            log.exception("case %s could not be migrated to %s version %s", case_id, target.key, target.version)
            reference = session.scalar(select(Case.reference).where(Case.id == case_id)) or ""
            results.append(MigrationCheck(case_id, reference, False,
                                          f"the engine could not move it ({type(exc).__name__}); it stays"))
    return results


def _migrate_one(session: Session, case_id: UUID, target: ProcessVersion, actor: User | None) -> MigrationCheck:
    case = lock_case(session, case_id)
    run = load_case_run(session, case)
    specs = specs_for(session, target)
    check = check_case(run, target, specs)
    if not check.movable:
        session.rollback()
        return check
    # Timers keep counting from when they started, not from the migration.
    timers = {t.id: dict(t.internal_data) for t in run.workflow.get_tasks(state=TaskState.WAITING)}
    spec, dependencies = specs
    top, subs = diff_workflow(SERIALIZER.registry, run.workflow, spec, dependencies)
    run.workflow.subprocess_specs = dependencies
    migrate_workflow(top, run.workflow, spec)
    for sub_id, diff in subs.items():
        sub = run.workflow.subprocesses[sub_id]
        migrate_workflow(diff, sub, dependencies[sub.spec.name])
    for task in run.workflow.get_tasks(state=TaskState.WAITING):
        task.internal_data.update(timers.get(task.id, {}))
    run_engine(run.workflow)
    source_version = case.process_version.version
    case.process_version_id, case.process_version = target.id, target
    session.execute(update(Task).where(Task.case_id == case.id, Task.state == READY)
                    .values(process_version_id=target.id))
    run.save(session, actor)
    events.record(session, case.id, "case_migrated", actor,
                  f"Sagen er flyttet fra version {source_version} til version {target.version}",
                  details={"from_version": source_version, "to_version": target.version})
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        return MigrationCheck(case.id, case.reference, False, "the case changed meanwhile; try again")
    return MigrationCheck(case.id, case.reference, True, "moved")
