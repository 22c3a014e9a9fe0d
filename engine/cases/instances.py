"""Workflow instances this process wrote last, kept to skip restoring them on the case's next change.

Restoring an instance from its stored state is a tenth of a completion's work. A process that
has just written a case's state (opening it, completing one of its tasks) keeps the instance it
wrote under the case's version as written. The next change of that case reads the case's version
with the task, in its own transaction, and takes the kept instance only when the version is
exactly the one written: every write of a case's state moves the version on (engine.cases.changes
and CaseRun.save, which touches the case row), so any change made meanwhile, by any process,
makes the kept instance a miss and the state is read from the database as before. Never stale,
only sometimes absent.

An instance is taken out while a change uses it and put back only after that change committed,
so a change that fails leaves nothing behind, and two threads never share one instance.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow

# Instances are a few kilobytes to a few hundred; a thousand recently changed cases per process
# bounds the memory (a web process sees each case again within minutes when its users work on it).
SIZE = 1000


class InstanceCache:
    """The instances this process wrote, by case id, each with the case version it was written as."""

    def __init__(self, size: int = SIZE) -> None:
        self._size = size
        self._items: OrderedDict[UUID, tuple[int, BpmnWorkflow]] = OrderedDict()
        self._lock = Lock()

    def take(self, case_id: UUID, version: int) -> BpmnWorkflow | None:
        """The instance of `case_id` as written at `version`, removed from the cache; None otherwise."""
        with self._lock:
            kept = self._items.pop(case_id, None)
        return kept[1] if kept is not None and kept[0] == version else None

    def keep(self, case_id: UUID, version: int, workflow: BpmnWorkflow) -> None:
        """Keep `workflow`, which a committed change wrote as version `version` of the case."""
        with self._lock:
            self._items[case_id] = (version, workflow)
            self._items.move_to_end(case_id)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget every instance (tests; a process that wants its memory back)."""
        with self._lock:
            self._items.clear()


INSTANCES = InstanceCache()
