"""Deploy-time bounds on repeating timers (timeCycle), so no diagram can flood a case with occurrences.

Only a cycle written as plain ISO 8601 (`R/P1D`, `R3/2027-01-04T09:00:00+01:00/P7D`) can be judged
here; a cycle computed by an expression is held to the same bounds when the timer is reached
(engine.deadlines.timer_events.parse_cycle), and the worker caps what one sweep fires.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from engine.deadlines.timer_events import cycle_problem
from engine.expressions import is_iso8601_literal

from .model import bpmn_children, bpmn_descendants, text_of
from .problems import Problem, element_problem


def check_cycles(process: etree._Element, now: datetime) -> list[Problem]:
    """A problem for every literal timeCycle that repeats too often or starts before `now`."""
    problems: list[Problem] = []
    for definition in bpmn_descendants(process, "timerEventDefinition"):
        for cycle in bpmn_children(definition, "timeCycle"):
            text = text_of(cycle)
            problem = cycle_problem(text, now) if is_iso8601_literal(text) else None
            if problem:
                problems.append(element_problem(definition.getparent(), problem))
    return problems
