"""Sending the outbox over real SMTP: headers, retries with backoff, giving up, TLS and login."""

from __future__ import annotations

import ssl
from dataclasses import replace
from datetime import timedelta

import pytest

from engine.notifications.models import FAILED, QUEUED, SENT
from engine.notifications.outbox import backoff
from tests.engine.notifications.mailserver import MailServer, make_certificate

DUE = "2026-12-02T00:00:00+01:00"
REMIND_AT = "2026-11-30T00:00:00+01:00"


def _queue_two(world, at):
    world.user("anna", "modtagerteam")
    world.user("bo", "modtagerteam")
    case = world.open("kvittering", at("2026-11-23T09:00:00+01:00"), due=DUE)
    assert world.sweep(at(REMIND_AT)).queued == 2
    return case


def test_each_row_is_sent_once_with_its_stable_message_id(world, at):
    _queue_two(world, at)
    rows = world.outbox()
    assert all(row.message_id.startswith("<outbox-") and row.message_id.endswith("@kommune.example>")
               for row in rows)
    assert world.send(at(REMIND_AT)).sent == 2
    assert sorted(world.server.message_ids()) == sorted(row.message_id for row in rows)
    message = world.server.to("anna@kommune.example")[0]
    assert message["From"] == "casepath@kommune.example"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    assert world.server.envelopes[0][0] == "casepath@kommune.example"
    assert [row.state for row in world.outbox()] == [SENT, SENT]
    assert world.send(at("2026-11-30T01:00:00+01:00")).sent == 0  # nothing twice
    assert len(world.server.raw) == 2


def test_smtp_down_for_an_hour_loses_nothing_and_sends_once(world, at):
    _queue_two(world, at)
    world.server.stop()
    t0 = at(REMIND_AT)
    first = world.send(t0)
    assert (first.sent, first.retried) == (0, 1)  # the pass stops at the first unreachable server
    rows = world.outbox()
    assert [row.state for row in rows] == [QUEUED, QUEUED]
    tried = [row for row in rows if row.attempts == 1]
    assert len(tried) == 1 and tried[0].next_attempt_at == t0 + timedelta(minutes=1)
    assert "ConnectionRefusedError" in tried[0].last_error
    for minutes in range(1, 60, 5):  # the worker keeps trying through the hour
        world.send(t0 + timedelta(minutes=minutes))
    assert all(row.state == QUEUED for row in world.outbox())
    world.server.start()
    back = t0 + timedelta(minutes=75)  # every backoff (at most 15 minutes) has run out
    assert world.send(back).sent == 2
    assert len(world.server.raw) == 2 and len(set(world.server.message_ids())) == 2
    assert world.send(back + timedelta(hours=1)).sent == 0


def test_backoff_doubles_up_to_fifteen_minutes():
    assert [backoff(n) for n in (1, 2, 3, 4, 5, 6)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 15, 15)]


def test_after_24_hours_of_failures_a_mail_is_marked_failed(world, at):
    _queue_two(world, at)
    world.server.stop()
    t0 = at(REMIND_AT)
    moment = t0
    while moment < t0 + timedelta(hours=25):
        world.send(moment)
        moment += timedelta(minutes=20)
    rows = world.outbox()
    assert [row.state for row in rows] == [FAILED, FAILED]
    assert all(row.first_failed_at is not None and row.attempts > 10 for row in rows)
    world.server.start()
    assert world.send(moment + timedelta(hours=1)).sent == 0  # failed rows wait for an administrator


def test_a_killed_send_is_retried_when_its_lease_ends(world, at):
    from engine.notifications.outbox import _claim

    _queue_two(world, at)
    t0 = at(REMIND_AT)
    claimed = _claim(world.factory, t0)  # a worker took a row and died before sending it
    assert claimed is not None and claimed.mail is not None
    assert world.send(t0).sent == 1  # the other row; the claimed one is leased
    assert world.send(t0 + timedelta(minutes=4)).sent == 0
    assert world.send(t0 + timedelta(minutes=5)).sent == 1
    assert len(set(world.server.message_ids())) == 2


def test_a_long_pass_leases_each_row_from_when_it_takes_it(world, at, monkeypatch):
    """A second worker must not take a row that the first is sending, however long the first pass ran."""
    from engine.notifications import outbox

    _queue_two(world, at)
    t0 = at(REMIND_AT)
    moments = iter([t0, t0 + timedelta(hours=1)])  # the second row is taken an hour into the pass
    late = t0 + timedelta(hours=1, minutes=1)
    seen_by_other = []
    original = outbox.SmtpSender.send

    def send(self, message):
        if len(world.server.raw) == 1:  # the second row is in flight: another worker looks for work
            seen_by_other.append(outbox._claim(world.factory, late))
        return original(self, message)

    monkeypatch.setattr(outbox.SmtpSender, "send", send)
    result = outbox.send_pending(world.factory, world.settings, clock=lambda: next(moments, late))
    assert result.sent == 2
    assert seen_by_other == [None]  # leased until 1 h 5 min into the pass, not until 5 min
    assert len(set(world.server.message_ids())) == 2


@pytest.fixture
def certificate(tmp_path):
    return make_certificate(tmp_path)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_login(world, at, certificate, security):
    server = MailServer(tls=security, cert=certificate, login=("casepath", "s3cret")).start()
    try:
        world.settings = replace(world.settings, smtp_port=server.port, smtp_security=security,
                                 smtp_username="casepath", smtp_password="s3cret")
        world.server = server
        _queue_two(world, at)
        trusted = ssl.create_default_context(cafile=str(certificate[0]))
        result = world.send(at(REMIND_AT), ssl_context=trusted)
        assert result.sent == 2, [row.last_error for row in world.outbox()]
        assert len(server.raw) == 2 and server.logins == ["casepath"]
    finally:
        server.stop()


@pytest.mark.parametrize("password, trusted", [("s3cret", False), ("wrong", True)])
def test_an_untrusted_certificate_or_a_wrong_password_sends_nothing(world, at, certificate, password, trusted):
    server = MailServer(tls="starttls", cert=certificate, login=("casepath", "s3cret")).start()
    try:
        world.settings = replace(world.settings, smtp_port=server.port, smtp_security="starttls",
                                 smtp_username="casepath", smtp_password=password)
        _queue_two(world, at)
        # Without a context the system CAs are used, and they do not know the test certificate.
        context = ssl.create_default_context(cafile=str(certificate[0])) if trusted else None
        result = world.send(at(REMIND_AT), ssl_context=context)
        assert (result.sent, result.retried) == (0, 1) and server.raw == []
        error = world.outbox(attempts=1)[0].last_error
        assert ("SMTPAuthenticationError 535" if trusted else "SSLCertVerificationError") in error
        assert "s3cret" not in error and "wrong" not in error
    finally:
        server.stop()


def test_a_leaver_deactivated_after_the_mail_was_queued_gets_nothing(world, at):
    from engine.notifications.models import SKIPPED
    from engine.users.accounts import update_account
    from engine.users.service import get_user

    _queue_two(world, at)
    update_account(world.session, get_user(world.session, "anna"), active=False)
    result = world.send(at(REMIND_AT))
    assert (result.sent, result.skipped) == (1, 1)
    assert world.server.to("anna@kommune.example") == [] and len(world.server.to("bo@kommune.example")) == 1
    assert sorted(row.state for row in world.outbox()) == sorted([SENT, SKIPPED])
