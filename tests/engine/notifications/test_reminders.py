"""When reminders, due notices and escalations fire, and to whom (a fixed clock drives the sweep)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from engine.deadlines.rules import calendar
from engine.notifications.models import DUE, ESCALATION, REMINDER, SKIPPED
from engine.notifications.reminders import stage_instants
from engine.tasks import service as tasks
from tests.engine.notifications.world import kinds, recipients

DUE_TUESDAY = "2026-12-02T00:00:00+01:00"  # a days-based deadline: the end of Tuesday 1 December


def _people(world):
    anna = world.user("anna", "modtagerteam")
    bo = world.user("bo", "modtagerteam", locale="en")
    lene = world.user("lene", "teamleder")
    world.user("other", "raadgiver-boern")
    return anna, bo, lene


def test_reminder_due_and_escalation_fire_once_each_at_their_instants(world, at):
    anna, _bo, _lene = _people(world)
    case = world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE_TUESDAY)
    assert world.run(at("2026-11-29T23:59:59+01:00")) == []
    # One working day before the final day, from 00:00 Danish time: the whole group, task unclaimed.
    reminded = world.run(at("2026-11-30T00:00:00+01:00"))
    assert recipients(reminded) == ["anna@kommune.example", "bo@kommune.example"]
    assert world.run(at("2026-11-30T12:00:00+01:00")) == []
    tasks.claim(world.session, world.task(case, "register").id, anna)
    # The final day has begun: only the assignee now.
    due = world.run(at("2026-12-01T00:00:00+01:00"))
    assert recipients(due) == ["anna@kommune.example"]
    assert world.run(at("2026-12-01T23:59:59+01:00")) == []
    # Overdue: the team leads, not the assignee.
    escalated = world.run(at("2026-12-02T00:00:00+01:00"))
    assert recipients(escalated) == ["lene@kommune.example"]
    assert world.run(at("2026-12-03T09:00:00+01:00")) == []
    assert kinds(world.outbox()) == [
        (DUE, "anna@kommune.example"), (ESCALATION, "lene@kommune.example"),
        (REMINDER, "anna@kommune.example"), (REMINDER, "bo@kommune.example")]
    assert len(world.server.raw) == 4


def test_mail_content_in_danish_and_english(world, at):
    _people(world)
    case = world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE_TUESDAY)
    task = world.task(case, "register")
    world.run(at("2026-11-30T00:00:00+01:00"))
    danish = world.server.to("anna@kommune.example")[0]
    assert danish["Subject"] == f"Påmindelse om en frist (sag {case.reference})"
    text = danish.get_body(("plain",)).get_content()
    html = danish.get_body(("html",)).get_content()
    assert "tirsdag 1. december 2026 (ved dagens udgang)" in text
    assert "2. december" not in text and "00:00" not in text
    assert f"https://casepath.kommune.example/opgaver/{task.id}" in text
    assert f'href="https://casepath.kommune.example/opgaver/{task.id}"' in html
    assert "teamlederen får besked" in text or "får teamlederen besked" in text
    english = world.server.to("bo@kommune.example")[0]
    assert english["Subject"] == f"Reminder of a deadline (case {case.reference})"
    assert "Tuesday 1 December 2026 (end of day)" in english.get_body(("plain",)).get_content()
    assert english["Content-Language"] == "en" and danish["Content-Language"] == "da"


def test_an_hour_deadline_shows_its_clock_time(world, at):
    world.user("anna", "modtagerteam")
    world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due="2026-12-01T14:30:00+01:00")
    world.run(at("2026-12-01T00:00:00+01:00"))
    text = world.server.messages[0].get_body(("plain",)).get_content()
    assert "tirsdag 1. december 2026 kl. 14.30" in text


def test_reminders_skip_weekends_and_christmas(world, at):
    world.user("anna", "modtagerteam")
    # Final day Monday 7 December: one working day before is Friday 4 December.
    world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due="2026-12-08T00:00:00+01:00")
    # Final day Monday 28 December: 24, 25, 26 and 27 December are closed, so Wednesday 23 December.
    world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due="2026-12-29T00:00:00+01:00")
    assert world.run(at("2026-12-03T23:59:00+01:00")) == []
    assert len(world.run(at("2026-12-04T00:00:00+01:00"))) == 1
    assert world.run(at("2026-12-22T23:59:00+01:00")) == []
    assert len(world.run(at("2026-12-23T00:00:00+01:00"))) == 1
    assert world.run(at("2026-12-27T12:00:00+01:00")) == []  # Sunday: nothing new
    assert len(world.run(at("2026-12-28T00:00:00+01:00"))) == 1  # due (final day, a Monday)


def test_a_deadline_on_a_saturday_is_due_on_friday():
    instants = stage_instants(calendar(), _utc("2026-12-06T00:00:00+01:00"), 1)  # end of Saturday 5 Dec
    assert instants[DUE] == _utc("2026-12-04T00:00:00+01:00")
    assert instants[REMINDER] == _utc("2026-12-03T00:00:00+01:00")
    assert instants[ESCALATION] == _utc("2026-12-06T00:00:00+01:00")
    assert REMINDER not in stage_instants(calendar(), _utc("2026-12-06T00:00:00+01:00"), 0)
    two_days = stage_instants(calendar(), _utc("2026-12-02T00:00:00+01:00"), 2)
    assert two_days[REMINDER] == _utc("2026-11-27T00:00:00+01:00")  # Friday, skipping the weekend


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_a_task_completed_before_its_reminder_gets_none(world, at):
    anna = world.user("anna", "modtagerteam")
    world.user("lene", "teamleder")
    case = world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE_TUESDAY)
    world.complete(case, "register", anna, at("2026-11-27T10:00:00+01:00"), due=DUE_TUESDAY)
    world.complete(case, "receipt", anna, at("2026-11-27T11:00:00+01:00"))
    for moment in ("2026-11-30T00:00:00+01:00", "2026-12-01T00:00:00+01:00", "2026-12-02T00:00:00+01:00"):
        assert world.run(at(moment)) == []
    assert world.outbox() == []


def test_a_reminder_queued_but_not_yet_sent_is_dropped_when_the_task_is_completed(world, at):
    anna = world.user("anna", "modtagerteam")
    case = world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE_TUESDAY)
    assert world.sweep(at("2026-11-30T00:00:00+01:00")).queued == 1
    world.complete(case, "register", anna, at("2026-11-30T07:00:00+01:00"), due=DUE_TUESDAY)
    result = world.send(at("2026-11-30T08:00:00+01:00"))
    assert (result.sent, result.skipped) == (0, 1)
    assert world.server.raw == [] and [row.state for row in world.outbox()] == [SKIPPED]


def test_after_downtime_only_the_latest_stage_is_sent(world, at):
    world.user("anna", "modtagerteam")
    world.user("lene", "teamleder")
    world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE_TUESDAY)
    # The worker was down from Sunday to Wednesday morning: no stale reminder, just the escalation.
    messages = world.run(at("2026-12-02T09:00:00+01:00"))
    assert recipients(messages) == ["lene@kommune.example"]
    assert "En frist er overskredet" in str(messages[0]["Subject"])


def test_a_task_that_appears_close_to_its_deadline_gets_no_advance_reminder(world, at):
    world.user("anna", "modtagerteam")
    world.open("kvittering", at("2026-11-30T10:00:00+01:00"), due=DUE_TUESDAY)  # created on the reminder day
    assert world.run(at("2026-11-30T10:05:00+01:00")) == []
    assert recipients(world.run(at("2026-12-01T00:00:00+01:00"))) == ["anna@kommune.example"]


def test_sweeping_the_same_instant_twice_queues_nothing_twice(world, at):
    world.user("anna", "modtagerteam")
    world.user("bo", "modtagerteam")
    world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE_TUESDAY)
    first = world.sweep(at("2026-11-30T00:00:00+01:00"))
    second = world.sweep(at("2026-11-30T00:00:00+01:00"))
    third = world.sweep(at("2026-11-30T06:00:00+01:00"))
    assert (first.stages, first.queued) == (1, 2)
    assert (second.stages, second.queued, third.stages, third.queued) == (0, 0, 0, 0)
    assert len(world.outbox()) == 2


def test_reminders_can_be_switched_off_and_the_escalation_group_set(world, at):
    world.user("anna", "modtagerteam")
    world.user("lene", "teamleder")
    world.user("chef", "ledelse")
    world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE_TUESDAY)
    off = replace(world.settings, reminders=False)
    assert world.sweep(at("2026-11-30T00:00:00+01:00"), settings=off).stages == 0
    other_group = replace(world.settings, escalation_group="ledelse")
    world.sweep(at("2026-12-02T00:00:00+01:00"), settings=other_group)
    assert kinds(world.outbox()) == [(ESCALATION, "chef@kommune.example")]


def test_inactive_users_and_other_groups_get_nothing(world, at):
    world.user("anna", "modtagerteam")
    gone = world.user("gone", "modtagerteam")
    gone.active = False
    world.session.commit()
    world.user("other", "raadgiver-voksen")
    world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE_TUESDAY)
    assert recipients(world.run(at("2026-11-30T00:00:00+01:00"))) == ["anna@kommune.example"]
