"""Timer event definitions that read time from the case's clock instead of the wall clock.

SpiffWorkflow's timers call `datetime.now()` themselves, so a worker could never fire "as of"
another instant and tests could not drive time. These subclasses take "now" from the script
engine's clock, accept an absolute instant from an expression (e.g. `deadline(...)`), and count
ISO durations on the Danish calendar: years, months, weeks and days by calendar date in
Europe/Copenhagen, hours, minutes and seconds as elapsed time.

Cycles are bounded (docs/diagrams.md, "Repeating timers"): a period shorter than
`MIN_CYCLE_PERIOD` is refused (`R/PT0S` was due again the instant it fired and flooded a case with
tasks), and an unbounded cycle whose start lies before the moment the timer is reached starts at
its first occurrence from then on instead of firing every occurrence since its start.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
    TimerEventDefinition,
)

LOCAL = ZoneInfo("Europe/Copenhagen")
MIN_CYCLE_PERIOD = timedelta(hours=1)  # the shortest period of a repeating timer (docs/diagrams.md)
# The shortest and longest real length of a date part (a local day is 23 to 25 hours long).
_SHORTEST = {"years": 365 * 86400, "months": 28 * 86400, "weeks": 7 * 86400 - 3600, "days": 23 * 3600}
_LONGEST = {"years": 366 * 86400, "months": 31 * 86400, "weeks": 7 * 86400 + 3600, "days": 25 * 3600}
_TIME_PARTS = {"hours": 3600, "minutes": 60, "seconds": 1}


def task_now(my_task: Any) -> datetime:
    """The current instant as the case's script engine sees it."""
    clock = getattr(my_task.workflow.script_engine, "clock", None)
    return clock() if clock is not None else datetime.now(UTC)


def add_iso_duration(start: datetime, text: str) -> datetime:
    """`start` plus an ISO 8601 duration: date parts by local calendar date, time parts exactly."""
    parts = TimerEventDefinition.parse_iso_duration(text.strip())
    calendar = relativedelta(
        years=int(parts.get("years", 0)), months=int(parts.get("months", 0)),
        weeks=int(parts.get("weeks", 0)), days=int(parts.get("days", 0)),
    )
    shifted = start
    if calendar:
        # Re-attach the zone so a date part across a summer-time change keeps the local time of day.
        # Only then: re-attaching loses which of the two 02:30s of the autumn change was meant, so
        # `PT1H` from the second one gave the same instant back and a cycle never moved on.
        shifted = (start.astimezone(LOCAL) + calendar).replace(tzinfo=None).replace(tzinfo=LOCAL)
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
            try:
                due = add_iso_duration(task_now(my_task), value) if _is_duration(value) else to_instant(value)
            except (ValueError, OverflowError) as exc:  # e.g. a number, or beyond year 9999: the step fails
                raise WorkflowTaskException(f"timer: {exc}", task=my_task, exception=exc) from exc
            event_value = due.isoformat()
            my_task._set_internal_data(event_value=event_value)
        if datetime.fromisoformat(event_value) <= task_now(my_task):
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


class CaseTimeDateTimer(_InstantTimer, TimeDateEventDefinition):
    """A timer at an instant (timeDate)."""


class CaseDurationTimer(_InstantTimer, DurationTimerEventDefinition):
    """A timer after a duration (timeDuration); an expression may also give an absolute instant."""


@dataclass
class CycleBudget:
    """How many cycle occurrences one engine run may still fire: per timer task and in all.

    The worker gives each case one per sweep (`script_engine.cycle_budget`); without one (a request
    completing a task) each run fires at most the few occurrences SpiffWorkflow's steps ask about.
    """

    per_timer: int
    total: int
    spent: Counter = field(default_factory=Counter)

    @property
    def fired(self) -> int:
        """Occurrences fired under this budget so far."""
        return sum(self.spent.values())

    def allows(self, task_id: Any) -> bool:
        """True if the timer task `task_id` may fire one more occurrence."""
        return self.spent[task_id] < self.per_timer and self.fired < self.total

    def take(self, task_id: Any) -> bool:
        """Spend one occurrence of `task_id` if allowed; False (nothing spent) otherwise."""
        if not self.allows(task_id):
            return False
        self.spent[task_id] += 1
        return True


def _may_fire(my_task: Any) -> bool:
    budget = getattr(my_task.workflow.script_engine, "cycle_budget", None)
    return budget is None or budget.take(my_task.id)


class CaseCycleTimer(CycleTimerEventDefinition):
    """A repeating timer (timeCycle, e.g. `R3/P1D`); each due occurrence fires once."""

    def cycle_complete(self, my_task: Any) -> bool:
        now = task_now(my_task)
        event_value = my_task._get_internal_data("event_value")
        if event_value is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            try:
                cycles, first, duration = parse_cycle(str(value), now)
            except ValueError as exc:  # an expression gave a cycle we refuse: the step fails, clearly
                raise WorkflowTaskException(f"timer: {exc}", task=my_task, exception=exc) from exc
            event_value = {"cycles": cycles, "next": first.isoformat(), "duration": duration}
        ready = False
        if event_value["cycles"] != 0:
            next_event = datetime.fromisoformat(event_value["next"])
            if next_event <= now and _may_fire(my_task):  # over budget: still due, at the next sweep
                event_value["next"] = add_iso_duration(next_event, event_value["duration"]).isoformat()
                event_value["cycles"] -= 1
                ready = True
        else:
            my_task.internal_data.pop("event_value", None)
            my_task.internal_data["event_fired"] = True
        my_task._set_internal_data(event_value=event_value)
        return ready


def _duration_parts(text: str) -> dict[str, float]:
    try:
        return TimerEventDefinition.parse_iso_duration(text.strip())
    except Exception as exc:  # noqa: BLE001 - SpiffWorkflow raises a bare Exception
        raise ValueError(f"{text!r} is not an ISO 8601 duration") from exc


def period_bounds(text: str) -> tuple[timedelta, timedelta]:
    """The shortest and the longest time an ISO duration can span (months and days vary)."""
    parts = _duration_parts(text)
    exact = sum(float(parts.get(name, 0)) * size for name, size in _TIME_PARTS.items())
    low = exact + sum(float(parts.get(name, 0)) * size for name, size in _SHORTEST.items())
    high = exact + sum(float(parts.get(name, 0)) * size for name, size in _LONGEST.items())
    return timedelta(seconds=low), timedelta(seconds=high)


def check_period(text: str) -> None:
    """ValueError unless a cycle of period `text` repeats at most once per `MIN_CYCLE_PERIOD`."""
    if period_bounds(text)[0] < MIN_CYCLE_PERIOD:
        raise ValueError(f"the cycle repeats every {text.strip()}; the shortest period allowed is "
                         f"{_iso(MIN_CYCLE_PERIOD)}")


def _iso(period: timedelta) -> str:
    return f"PT{int(period.total_seconds() // 3600)}H"


def _add_times(start: datetime, text: str, times: int) -> datetime:
    """`start` plus `times` × the duration in one step (parts multiplied), as add_iso_duration counts."""
    parts = _duration_parts(text)
    scaled = "P" + "".join(f"{int(parts[name] * times)}{name[0].upper()}"
                           for name in ("years", "months", "weeks", "days") if parts.get(name))
    clock = "".join(f"{parts[name] * times}{name[0].upper()}" for name in _TIME_PARTS if parts.get(name))
    text = scaled + (f"T{clock}" if clock else "")
    return start if text == "P" else add_iso_duration(start, text)


def first_from(start: datetime, text: str, now: datetime) -> datetime:
    """The first occurrence of a cycle (start, start + period, ...) at or after `now`.

    Jumps most of the way in one step, so a start decades ago costs no more than a few additions.
    """
    longest = period_bounds(text)[1].total_seconds()
    moment = start
    # Each jump counts periods at their longest, so it never passes `now`, and leaves a few percent.
    while (jumps := int((now - moment).total_seconds() // longest)) > 1:
        moment = _add_times(moment, text, jumps)
    while moment < now:
        moment = add_iso_duration(moment, text)
    return moment


def parse_cycle(text: str, now: datetime) -> tuple[int, datetime, str]:
    """`R[n]/[start/]duration` → (cycles, first occurrence, duration text); n omitted = unbounded (-1).

    ValueError for a form we cannot run (`R/duration/end`), a period below `MIN_CYCLE_PERIOD`, or a
    repetition count that is not a number. An unbounded cycle that started before `now` continues
    from its first occurrence at or after `now`: what fell before the timer was reached never fires.
    """
    parts = text.strip().upper().split("/")
    if len(parts) not in (2, 3) or not parts[0].startswith("R"):
        raise ValueError(f"not a repeating interval: {text!r}")
    count = parts[0][1:]
    if count and not count.isdigit():
        raise ValueError(f"the number of repetitions in {text!r} is not a whole number")
    cycles = int(count) if count else -1
    duration = parts[-1]
    if len(parts) == 3 and parts[1].startswith("P"):
        raise ValueError(f"a cycle that ends at a moment ({text.strip()}) is not supported; "
                         "write R[n]/start/duration")
    try:
        check_period(duration)
        if len(parts) == 2:
            return cycles, add_iso_duration(now, duration), duration
        start = to_instant(parts[1])
        return cycles, first_from(start, duration, now) if cycles < 0 else start, duration
    except OverflowError as exc:
        raise ValueError(f"the cycle {text.strip()!r} reaches beyond the calendar") from exc


def cycle_problem(text: str, now: datetime) -> str | None:
    """Why a literal timeCycle cannot be deployed at `now` (English), or None.

    Besides what `parse_cycle` refuses, a start in the past is refused: every occurrence since then
    would be due at once in each case (an unbounded cycle would skip them, but that is surely not
    what the author meant either).
    """
    parts = text.strip().upper().split("/")
    try:
        parse_cycle(text, now)
        start = to_instant(parts[1]) if len(parts) == 3 else None
    except ValueError as exc:
        return str(exc)
    if start is not None and start < now:
        return (f"the cycle starts in the past ({parts[1]}): every occurrence since then would be due at once; "
                "give a later start, or none (the cycle then counts from when the timer is reached)")
    return None
