"""What a case runs with, cached per process: process versions and form versions never change.

A deployed process version pins its diagram, the versions of the processes it calls and its form
versions (engine/process_models, engine/forms); a form version's schema is fixed too. Keyed by
their ids, these in-process caches cannot serve anything stale to one process while another
deploys: a deploy makes new ids. Mutable data (lane groups, owners, legal exceptions, the case
itself) is never cached.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from threading import Lock
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy.orm import Session

from engine.bpmn import parse_xml, start_form_key
from engine.cases.workflow_state import SPEC_CACHE, Specs
from engine.forms.models import FormVersion
from engine.forms.service import pinned_forms
from engine.process_models.models import ProcessVersion
from engine.process_models.service import documents_for

K = TypeVar("K")
V = TypeVar("V")
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


class ImmutableCache(Generic[K, V]):
    """Values of immutable rows by id, least recently used evicted first."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = Lock()

    def get(self, key: K, load: Callable[[], V]) -> V:
        """The value of `key`, from `load()` on a miss (two threads may both load; both get a correct value)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = load()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything (tests that simulate a new process)."""
        with self._lock:
            self._items.clear()


@dataclass(frozen=True)
class PinnedVersion:
    """A deployed process version as a case runs it: everything here was fixed at deploy."""

    id: UUID
    key: str
    version: int
    name: str
    forms: Mapping[str, str]  # form key -> form version id, its own and those of the processes it calls
    start_form_key: str | None


VERSIONS: ImmutableCache[UUID, PinnedVersion] = ImmutableCache(64)
FORMS: ImmutableCache[UUID, dict[str, Any] | None] = ImmutableCache(512)


def pinned_version(session: Session, version_id: UUID) -> PinnedVersion:
    """The process version `version_id` (read once per process, then from memory)."""
    return VERSIONS.get(version_id, lambda: _load(session, version_id))


def _load(session: Session, version_id: UUID) -> PinnedVersion:
    row = session.get(ProcessVersion, version_id)
    if row is None:
        raise LookupError(f"process version {version_id} does not exist")
    return PinnedVersion(row.id, row.key, row.version, row.name or "",
                         pinned_forms(session, row.forms, row.dependencies), _start_form_key(row))


def specs_of(session: Session, version: PinnedVersion) -> Specs:
    """The parsed specs of `version` (engine.cases.workflow_state.SPEC_CACHE)."""
    return SPEC_CACHE.get(version.id, lambda: documents_for(session, session.get(ProcessVersion, version.id)),
                          version.key)


def _start_form_key(row: ProcessVersion) -> str | None:
    for process in parse_xml(row.bpmn_xml).iter(f"{BPMN}process"):
        if process.get("id") == row.key:
            return start_form_key(process)
    return None


def form_schema(session: Session, version: PinnedVersion, form_key: str | None) -> dict[str, Any] | None:
    """The form-js schema `version` pinned for `form_key`, or None. Shared: never change it in place
    (the owner and legal-exception choices are added to copies)."""
    if not form_key or form_key not in version.forms:
        return None
    form_id = UUID(version.forms[form_key])
    return FORMS.get(form_id, lambda: _schema(session, form_id))


def _schema(session: Session, form_id: UUID) -> dict[str, Any] | None:
    form = session.get(FormVersion, form_id)
    return form.schema if form is not None else None
