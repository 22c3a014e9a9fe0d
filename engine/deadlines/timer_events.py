"""Timer event definitions that read time from the case's clock instead of the wall clock.

SpiffWorkflow's timers call `datetime.now()` themselves, so a worker could never fire "as of"
another instant and tests could not drive time. These subclasses take "now" from the script
engine's clock, accept an absolute instant from an expression (e.g. `deadline(...)`), and count
ISO durations on the Danish calendar: years, months, weeks and days by calendar date in
Europe/Copenhagen, hours, minutes and seconds as elapsed time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

LOCAL = ZoneInfo("Europe/Copenhagen")


def task_now(my_task: Any) -> datetime:
    """The current instant as the case's script engine sees it."""
    clock = getattr(my_task.workflow.script_engine, "clock", None)
    return clock() if clock is not None else datetime.now(UTC)


def add_iso_duration(start: datetime, text: str) -> datetime:
    """`start` plus an ISO 8601 duration: date parts by local calendar date, time parts exactly."""
    parts = TimerEventDefinition.parse_iso_duration(text.strip())
    local = start.astimezone(LOCAL)
    shifted = local + relativedelta(
        years=int(parts.get("years", 0)), months=int(parts.get("months", 0)),
        weeks=int(parts.get("weeks", 0)), days=int(parts.get("days", 0)),
    )
    # Re-attach the zone so a date part across a summer-time change keeps the local time of day.
    shifted = shifted.replace(tzinfo=None).replace(tzinfo=LOCAL)
    elapsed = timedelta(hours=parts.get("hours", 0), minutes=parts.get("minutes", 0),
                        seconds=parts.get("seconds", 0))
    return shifted.astimezone(UTC) + elapsed


def to_instant(value: Any) -> datetime:
    """An expression's timer value as an aware UTC instant (ISO text, datetime or date)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=LOCAL)
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    else:
        raise ValueError(f"a timer needs a date, a time or an ISO 8601 text, not {type(value).__name__}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL)  # modelers mean Danish time
    return moment.astimezone(UTC)


def _is_duration(value: Any) -> bool:
    return isinstance(value, str) and value.strip().upper().startswith("P")


class _InstantTimer:
    """Shared `has_fired`: the expression gives a duration (from now) or an instant; compare with the clock."""

    expression: str

    def has_fired(self, my_task: Any) -> bool:
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            due = add_iso_duration(task_now(my_task), value) if _is_duration(value) else to_instant(value)
            event_value = due.isoformat()
            my_task._set_internal_data(event_value=event_value)
        if datetime.fromisoformat(event_value) <= task_now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class CaseTimeDateTimer(_InstantTimer, TimeDateEventDefinition):
    """A timer at an instant (timeDate)."""


class CaseDurationTimer(_InstantTimer, DurationTimerEventDefinition):
    """A timer after a duration (timeDuration); an expression may also give an absolute instant."""


class CaseCycleTimer(CycleTimerEventDefinition):
    """A repeating timer (timeCycle, e.g. `R3/P1D`); each due occurrence fires once."""

    def cycle_complete(self, my_task: Any) -> bool:
        now = task_now(my_task)
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            cycles, first, duration = parse_cycle(str(value), now)
            event_value = {"cycles": cycles, "next": first.isoformat(), "duration": duration}
        ready = False
        if event_value["cycles"] != 0:
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= now:
                event_value["next"] = add_iso_duration(next_event, event_value["duration"]).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


def parse_cycle(text: str, now: datetime) -> tuple[int, datetime, str]:
    """`R[n]/[start/]duration` → (cycles, first occurrence, duration text); n omitted = unbounded (-1)."""
    parts = text.strip().upper().split("/")
    if len(parts) not in (2, 3) or not parts[0].startswith("R"):
        raise ValueError(f"not a repeating interval: {text!r}")
    cycles = int(parts[0][1:]) if parts[0][1:] else -1
    if len(parts) == 3:
        return cycles, to_instant(parts[1]), parts[2]
    return cycles, add_iso_duration(now, parts[1]), parts[1]
