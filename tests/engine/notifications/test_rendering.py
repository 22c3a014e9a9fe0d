"""Deadlines in Danish time, templates that escape, the mail settings and the digest hour."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engine.config import ConfigError, Settings
from engine.notifications.context import mail_domain
from engine.notifications.digests import last_digest_instant
from engine.notifications.models import ESCALATION, REMINDER
from engine.notifications.rendering import TaskFacts, format_deadline, render_digest, render_task_mail

CPH = "Europe/Copenhagen"


@pytest.mark.parametrize("instant, danish, english", [
    ("2026-12-02T00:00:00+01:00", "tirsdag 1. december 2026 (ved dagens udgang)",
     "Tuesday 1 December 2026 (end of day)"),
    ("2026-11-30T23:00:00+00:00", "mandag 30. november 2026 (ved dagens udgang)",
     "Monday 30 November 2026 (end of day)"),  # stored in UTC, midnight in Copenhagen
    ("2026-07-01T00:00:00+02:00", "tirsdag 30. juni 2026 (ved dagens udgang)",
     "Tuesday 30 June 2026 (end of day)"),  # summer time
    ("2026-12-01T08:05:00+00:00", "tirsdag 1. december 2026 kl. 09.05", "Tuesday 1 December 2026 at 09:05"),
    ("2026-03-29T01:30:00+00:00", "søndag 29. marts 2026 kl. 03.30", "Sunday 29 March 2026 at 03:30"),
])
def test_deadlines_are_shown_in_danish_time(instant, danish, english):
    moment = datetime.fromisoformat(instant)
    assert format_deadline(moment, CPH, "da") == danish
    assert format_deadline(moment, CPH, "en") == english


def test_templates_escape_html_and_keep_subjects_on_one_line():
    facts = TaskFacts(kind=REMINDER, task_name='<script>x</script> "Kvittering"\nBcc: x@example.org',
                      case_reference="2026-000001", deadline="tirsdag 1. december 2026 (ved dagens udgang)",
                      link="https://casepath.example/opgaver/1")
    mail = render_task_mail(facts, "da")
    assert "\n" not in mail.subject and "<script>" not in mail.html and "&lt;script&gt;" in mail.html
    assert "<script>" in mail.text  # plain text is not HTML
    escalation = render_task_mail(TaskFacts(**{**facts.__dict__, "kind": ESCALATION}), "en")
    assert escalation.subject.startswith("A deadline has passed") and "as a team lead" in escalation.text
    digest = render_digest([facts], datetime(2026, 11, 30).date(), "fr")  # unknown locales get Danish
    assert digest.subject == "Daglig oversigt over frister og opgaver, mandag 30. november 2026"


def test_mail_settings_from_the_environment():
    settings = Settings.from_env({"CASEPATH_ENV": "testing", "CASEPATH_REMINDERS": "off",
                                  "CASEPATH_REMIND_WORKING_DAYS_BEFORE": "2", "CASEPATH_ESCALATION_GROUP": "ledelse",
                                  "MAIL_FROM": "Casepath <casepath@kommune.dk>"})
    assert (settings.reminders, settings.remind_working_days_before, settings.escalation_group) == (
        False, 2, "ledelse")
    assert mail_domain(settings) == "kommune.dk"
    defaults = Settings.from_env({"CASEPATH_ENV": "testing"})
    assert (defaults.reminders, defaults.remind_working_days_before, defaults.escalation_group) == (
        True, 1, "teamleder")
    with pytest.raises(ConfigError):
        Settings.from_env({"CASEPATH_ENV": "testing", "CASEPATH_REMIND_WORKING_DAYS_BEFORE": "-1"})
    with pytest.raises(ConfigError):
        Settings.from_env({"CASEPATH_ENV": "testing", "MAIL_FROM": "casepath"})


def test_the_digest_hour_is_danish_time_in_winter_and_summer():
    winter = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen
    assert last_digest_instant(winter, 8, CPH) == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    assert last_digest_instant(winter, 11, CPH) == datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    summer = datetime(2026, 6, 30, 6, 0, tzinfo=UTC)  # 08:00 in Copenhagen
    assert last_digest_instant(summer, 8, CPH) == datetime(2026, 6, 30, 6, 0, tzinfo=UTC)
