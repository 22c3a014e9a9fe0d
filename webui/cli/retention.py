"""`casepath retention`: erase the personal data of cases closed longer ago than the retention period."""

from __future__ import annotations

import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from engine.cases.retention import run_retention
from engine.clock import system_clock
from webui.cli.base import load_settings, operator_session


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="List what would be erased and deleted; change nothing.")
@click.option("--now", "now_text", default=None, help="With CASEPATH_TESTING=1: run as of this instant.")
def retention_command(dry_run: bool, now_text: str | None) -> None:
    """Erase the personal data of cases closed more than CASEPATH_RETENTION_DAYS ago (each case in its own
    transaction; a rerun continues) and delete access-log entries older than CASEPATH_ACCESS_LOG_RETENTION_DAYS."""
    from webui.cli import _parse_now  # the package imports this module to register the command

    settings = load_settings()
    now = _parse_now(now_text, settings)
    zone = ZoneInfo(settings.timezone)

    def clock() -> datetime:
        return now or system_clock()

    with operator_session() as session:
        report = run_retention(session, settings, clock=clock, dry_run=dry_run)
    verb = "would erase" if dry_run else "erased"
    for reference, closed_at in report.cases:
        click.echo(f"{verb} {reference} (closed {closed_at.astimezone(zone).date().isoformat()})")
    if persons := report.erased.get("persons"):
        click.echo(f"{verb} {len(persons)} persons in no case")
    for reference in report.failed:
        click.echo(f"could not erase {reference}; the next run tries again", err=True)
    click.echo(f"{verb} {len(report.cases)} cases; {'would delete' if dry_run else 'deleted'} "
               f"{report.access_log_rows} access-log entries")
    if report.failed:
        sys.exit(1)
