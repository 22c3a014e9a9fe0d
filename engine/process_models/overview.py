"""What the process pages show: processes with their versions, drafts and open cases per version."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.cases.models import Case
from engine.errors import NotFound, PermissionDenied
from engine.process_models.models import ProcessDraft, ProcessVersion
from engine.process_models.service import DEPLOYER_GROUPS
from engine.tasks.models import READY, Task
from engine.users.models import User


@dataclass(frozen=True)
class VersionRow:
    """One deployed version and how many open cases run on it."""

    version: ProcessVersion
    open_cases: int


@dataclass
class ProcessSummary:
    """A process: its versions (newest first) and its draft, if any."""

    key: str
    name: str
    versions: list[VersionRow] = field(default_factory=list)
    draft: ProcessDraft | None = None

    @property
    def latest(self) -> ProcessVersion | None:
        """The newest version."""
        return self.versions[0].version if self.versions else None


@dataclass(frozen=True)
class OpenCase:
    """An open case on a version, with the names of its ready tasks (for choosing what to migrate)."""

    case: Case
    tasks: list[str]


def require_editor(actor: User) -> None:
    """Team leads and administrators only."""
    if not actor.in_any(*DEPLOYER_GROUPS):
        raise PermissionDenied("only team leads and administrators may manage process models")


def _open_counts(session: Session) -> dict[object, int]:
    rows = session.execute(select(Case.process_version_id, func.count()).where(Case.status == "open")
                           .group_by(Case.process_version_id))
    return {version_id: count for version_id, count in rows}


def process_overview(session: Session, actor: User, key: str | None = None) -> list[ProcessSummary]:
    """Every process (or only `key`) with versions, open cases per version and draft, by name."""
    require_editor(actor)
    counts = _open_counts(session)
    query = select(ProcessVersion).order_by(ProcessVersion.key, ProcessVersion.version.desc())
    drafts_query = select(ProcessDraft)
    if key is not None:
        query, drafts_query = query.where(ProcessVersion.key == key), drafts_query.where(ProcessDraft.key == key)
    summaries: dict[str, ProcessSummary] = {}
    for version in session.scalars(query):
        summary = summaries.setdefault(version.key, ProcessSummary(version.key, version.name or version.key))
        summary.versions.append(VersionRow(version, counts.get(version.id, 0)))
    for draft in session.scalars(drafts_query):
        summaries.setdefault(draft.key, ProcessSummary(draft.key, draft.key)).draft = draft
    return sorted(summaries.values(), key=lambda s: s.name.lower())


def process_detail(session: Session, actor: User, key: str) -> ProcessSummary:
    """One process; NotFound when it has neither versions nor a draft."""
    found = process_overview(session, actor, key)
    if not found:
        raise NotFound(f"no process {key!r}")
    return found[0]


def open_cases(session: Session, actor: User, version: ProcessVersion, limit: int = 500) -> list[OpenCase]:
    """The open cases on `version`, oldest first, with their ready tasks' names."""
    require_editor(actor)
    cases = list(session.scalars(select(Case).where(Case.process_version_id == version.id, Case.status == "open")
                                 .order_by(Case.opened_at).limit(limit)))
    names: dict[object, list[str]] = {}
    if cases:
        rows = session.execute(select(Task.case_id, Task.name).where(
            Task.case_id.in_([c.id for c in cases]), Task.state == READY).order_by(Task.created_at))
        for case_id, name in rows:
            names.setdefault(case_id, []).append(name)
    return [OpenCase(case, names.get(case.id, [])) for case in cases]
