"""Assignment mails, and the daily digest for users who chose one mail a day."""

from __future__ import annotations

from engine.notifications.models import ASSIGNMENT, DIGEST, DIGESTED, HELD, REMINDER, SENT, SKIPPED
from engine.tasks import service as tasks
from tests.engine.notifications.world import diagram, kinds, recipients

DUE = "2026-12-02T00:00:00+01:00"


def test_a_team_lead_assigning_a_task_mails_the_assignee(world, at):
    lene = world.user("lene", "teamleder", "modtagerteam")
    anna = world.user("anna", "modtagerteam")
    case = world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE)
    task = world.task(case, "register")
    clock = lambda: at("2026-11-23T09:01:00+01:00")  # noqa: E731
    tasks.assign(world.session, task.id, "anna", lene, clock=clock)
    assert kinds(world.outbox()) == [(ASSIGNMENT, "anna@kommune.example")]
    assert world.send(at("2026-11-23T09:00:30+01:00")).sent == 0  # not before it was queued
    assert world.send(at("2026-11-23T09:05:00+01:00")).sent == 1
    message = world.server.messages[0]
    assert message["Subject"] == f"En opgave er tildelt dig (sag {case.reference})"
    text = message.get_body(("plain",)).get_content()
    assert "tirsdag 1. december 2026 (ved dagens udgang)" in text and f"/opgaver/{task.id}" in text
    # Claiming yourself, or a team lead assigning to themselves, sends nothing.
    tasks.unclaim(world.session, task.id, lene, clock=clock)
    tasks.claim(world.session, task.id, anna, clock=clock)
    tasks.unclaim(world.session, task.id, anna, clock=clock)
    tasks.assign(world.session, task.id, "lene", lene, clock=clock)
    assert len(world.outbox()) == 1
    # Given back to anna later: a new mail (the key includes the moment of assignment).
    tasks.assign(world.session, task.id, "anna", lene, clock=lambda: at("2026-11-23T10:00:00+01:00"))
    assert [row.kind for row in world.outbox()] == [ASSIGNMENT, ASSIGNMENT]


def test_an_assignment_without_deadline_says_so(world, at):
    world.deploy(diagram("nodue", first_due="", second_due=""))
    lene = world.user("lene", "teamleder")
    world.user("anna", "modtagerteam", locale="en")
    case = world.open("nodue", at("2026-11-23T09:00:00+01:00"))
    world.assign(case, "register", "anna", lene, at("2026-11-23T09:01:00+01:00"))
    world.send(at("2026-11-23T09:05:00+01:00"))
    text = world.server.messages[0].get_body(("plain",)).get_content()
    assert "The task has no deadline." in text and "If the deadline passes" not in text


def test_an_assignment_mail_is_dropped_if_the_task_was_given_to_someone_else_first(world, at):
    lene = world.user("lene", "teamleder")
    world.user("anna", "modtagerteam")
    world.user("bo", "modtagerteam")
    case = world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE)
    task = world.task(case, "register")
    tasks.assign(world.session, task.id, "anna", lene, clock=lambda: at("2026-11-23T09:01:00+01:00"))
    tasks.assign(world.session, task.id, "bo", lene, clock=lambda: at("2026-11-23T09:02:00+01:00"))
    result = world.send(at("2026-11-23T09:05:00+01:00"))
    assert (result.sent, result.skipped) == (1, 1)
    assert recipients(world.server.messages) == ["bo@kommune.example"]


def test_digest_users_get_one_mail_at_their_hour_instead_of_single_mails(world, at):
    world.user("dina", "modtagerteam", digest=True, hour=7)
    anna = world.user("anna", "modtagerteam")
    lene = world.user("lene", "teamleder")
    first = world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE)
    second = world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due="2026-12-01T14:00:00+01:00")
    third = world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE)
    # Monday 00:00: anna gets single reminders at once, dina's wait for her digest.
    assert recipients(world.run(at("2026-11-30T00:00:00+01:00"))) == ["anna@kommune.example"] * 3
    assert kinds(world.outbox(state=HELD)) == [(REMINDER, "dina@kommune.example")] * 3
    # The third task is done before 07:00; the second is assigned to dina by the team lead.
    world.complete(third, "register", anna, at("2026-11-30T06:00:00+01:00"), due=DUE)
    world.assign(second, "register", "dina", lene, at("2026-11-30T06:30:00+01:00"))
    assert world.run(at("2026-11-30T06:59:59+01:00")) == []
    digest = world.run(at("2026-11-30T07:00:00+01:00"))
    assert recipients(digest) == ["dina@kommune.example"]
    assert str(digest[0]["Subject"]) == "Daglig oversigt over frister og opgaver, mandag 30. november 2026"
    text = digest[0].get_body(("plain",)).get_content()
    assert first.reference in text and second.reference in text and third.reference not in text
    assert "tirsdag 1. december 2026 kl. 14.00" in text
    assert text.count("Frist nærmer sig") == 2 and text.count("Tildelt dig") == 1
    assert world.run(at("2026-11-30T12:00:00+01:00")) == []  # one digest a day
    states = sorted((row.kind, row.state) for row in world.outbox() if row.to_addr.startswith("dina"))
    assert states == [(ASSIGNMENT, DIGESTED), (DIGEST, SENT), (REMINDER, DIGESTED), (REMINDER, DIGESTED),
                      (REMINDER, SKIPPED)]
    assert world.outbox(to_addr="lene@kommune.example") == []
    # Next morning: the due notices of the three open tasks (the third case's next task included).
    world.run(at("2026-12-01T07:00:00+01:00"))
    nxt = world.server.to("dina@kommune.example")[1:]
    assert len(nxt) == 1 and nxt[0].get_body(("plain",)).get_content().count("Fristen udløber") == 3


def test_turning_the_digest_off_releases_held_notices_as_single_mails(world, at):
    dina = world.user("dina", "modtagerteam", digest=True, hour=7, locale="en")
    world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE)
    world.run(at("2026-11-30T00:00:00+01:00"))
    assert world.server.raw == []
    dina.reminder_digest = False
    world.session.commit()
    released = world.run(at("2026-11-30T00:05:00+01:00"))
    assert recipients(released) == ["dina@kommune.example"]
    assert str(released[0]["Subject"]).startswith("Reminder of a deadline")
