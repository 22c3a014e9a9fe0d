"""Mail texts from Jinja2 templates (Danish, or English for users whose locale is `en`).

A template only ever receives what `TaskFacts` holds, so a mail cannot carry more than a task name,
a case reference, a deadline and a link, whatever the case contains. Mails about a case (break the
glass) likewise receive only `CaseFacts`: the reference, who, when, until when and a link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from engine.config import Settings
from engine.notifications.models import ASSIGNMENT, BREAK_GLASS, CASE_ATTENTION, DUE, ESCALATION, REMINDER
from engine.tasks.models import Task

LOCALES = ("da", "en")
_DA_WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
_DA_MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
              "oktober", "november", "december")
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")

# Subjects name the case reference only, never the task: a task's name ("Inddrag politiet",
# "Henvis til krisecenter") tells whoever sees an inbox or a mail log what the case is about.
SUBJECTS = {
    "da": {
        REMINDER: "Påmindelse om en frist (sag {reference})",
        DUE: "En frist udløber (sag {reference})",
        ESCALATION: "En frist er overskredet (sag {reference})",
        ASSIGNMENT: "En opgave er tildelt dig (sag {reference})",
        "digest": "Daglig oversigt over frister og opgaver, {day}",
        BREAK_GLASS: "Nødadgang til sag {reference}",
        CASE_ATTENTION: "En sag kræver handling nu (sag {reference})",
    },
    "en": {
        REMINDER: "Reminder of a deadline (case {reference})",
        DUE: "A deadline ends (case {reference})",
        ESCALATION: "A deadline has passed (case {reference})",
        ASSIGNMENT: "A task is assigned to you (case {reference})",
        "digest": "Daily summary of deadlines and tasks, {day}",
        BREAK_GLASS: "Emergency access to case {reference}",
        CASE_ATTENTION: "A case needs action now (case {reference})",
    },
}


@dataclass(frozen=True)
class TaskFacts:
    """Everything a mail may say about a task: nothing personal, by construction."""

    kind: str
    task_name: str
    case_reference: str
    deadline: str | None  # formatted in Danish time, or None when the task has no deadline
    link: str


@dataclass(frozen=True)
class CaseFacts:
    """Everything a mail about a case may say: the reference, a user name, two instants and a link.

    Never the stated reason of a break-glass, names of citizens, CPR numbers, addresses or case text.
    """

    kind: str
    case_reference: str
    username: str  # the staff member who acted (a user name, not a citizen)
    at: str  # formatted in Danish time
    until: str  # formatted in Danish time
    link: str


@dataclass(frozen=True)
class RenderedMail:
    """Subject, plain text and HTML of one mail."""

    subject: str
    text: str
    html: str


def locale_of(value: str | None) -> str:
    """`en` for English users, Danish for everyone else."""
    return "en" if (value or "").lower().startswith("en") else "da"


def format_day(day: date, locale: str) -> str:
    """`tirsdag 1. december 2026` / `Tuesday 1 December 2026`."""
    if locale == "en":
        return f"{_EN_WEEKDAYS[day.weekday()]} {day.day} {_EN_MONTHS[day.month - 1]} {day.year}"
    return f"{_DA_WEEKDAYS[day.weekday()]} {day.day}. {_DA_MONTHS[day.month - 1]} {day.year}"


def format_deadline(due: datetime, timezone: str, locale: str = "da") -> str:
    """A deadline in Danish time. Deadlines counted in days are stored as 00:00 of the next day
    (an exclusive end), so 00:00 is shown as the end of the day before, not as the next day."""
    local = due.astimezone(ZoneInfo(timezone))
    if local.time() == time(0):
        day = format_day(local.date() - timedelta(days=1), locale)
        return f"{day} (end of day)" if locale == "en" else f"{day} (ved dagens udgang)"
    if locale == "en":
        return f"{format_day(local.date(), locale)} at {local:%H:%M}"
    return f"{format_day(local.date(), locale)} kl. {local:%H.%M}"


def format_instant(at: datetime, timezone: str, locale: str = "da") -> str:
    """An instant in Danish time: `mandag 23. november 2026 kl. 10.00` / `Monday 23 November 2026 at 10:00`."""
    local = at.astimezone(ZoneInfo(timezone))
    if locale == "en":
        return f"{format_day(local.date(), locale)} at {local:%H:%M}"
    return f"{format_day(local.date(), locale)} kl. {local:%H.%M}"


def case_link(settings: Settings, case_id: object) -> str:
    """The case's page in the web UI."""
    return f"{settings.base_url.rstrip('/')}/sager/{case_id}"


def task_link(settings: Settings, task_id: object) -> str:
    """The task's page in the web UI."""
    return f"{settings.base_url.rstrip('/')}/opgaver/{task_id}"


def task_facts(task: Task, kind: str, settings: Settings, locale: str) -> TaskFacts:
    """The facts of `task` a mail may show; nothing else is read from the task or its case."""
    deadline = format_deadline(task.due_at, settings.timezone, locale) if task.due_at else None
    return TaskFacts(kind=kind, task_name=task.name or task.bpmn_id, case_reference=task.case.reference,
                     deadline=deadline, link=task_link(settings, task.id))


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("engine.notifications", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,  # a missing value is a bug, not an empty line in a mail
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(name: str, locale: str, **values: object) -> tuple[str, str]:
    env = _environment()
    text = env.get_template(f"{name}_{locale}.txt").render(**values)
    html = env.get_template(f"{name}_{locale}.html").render(**values)
    return text, html


def render_task_mail(facts: TaskFacts, locale: str) -> RenderedMail:
    """One mail about one task."""
    locale = locale_of(locale)
    subject = SUBJECTS[locale][facts.kind].format(reference=facts.case_reference)
    text, html = _render("task", locale, mail=facts)
    return RenderedMail(subject=_one_line(subject), text=text, html=html)


def render_case_mail(facts: CaseFacts, locale: str) -> RenderedMail:
    """One mail about one case (templates `<kind>_<locale>.txt/.html`)."""
    locale = locale_of(locale)
    subject = SUBJECTS[locale][facts.kind].format(reference=facts.case_reference)
    text, html = _render(facts.kind, locale, mail=facts)
    return RenderedMail(subject=_one_line(subject), text=text, html=html)


def render_digest(items: list[TaskFacts], day: date, locale: str) -> RenderedMail:
    """One daily digest listing several notices."""
    locale = locale_of(locale)
    subject = SUBJECTS[locale]["digest"].format(day=format_day(day, locale))
    text, html = _render("digest", locale, items=items, day=format_day(day, locale))
    return RenderedMail(subject=_one_line(subject), text=text, html=html)


def _one_line(subject: str) -> str:
    # Task names come from diagrams; a stray newline must not become a header break.
    return " ".join(subject.split())[:255]
