"""`casepath persons access-log --cpr-stdin`: answer a person's request for insight at the command line.

The CPR number is read from standard input, never from the arguments, so it stays out of the shell's
history and the process list.
"""

from __future__ import annotations

import json
import sys
from zoneinfo import ZoneInfo

import click

from engine.clock import system_clock
from engine.persons.insight import as_csv, insight_for_cpr
from webui.cli.base import load_settings, operator_session


@click.group("persons")
def persons_group() -> None:
    """The person register."""


@persons_group.command("access-log")
@click.option("--cpr-stdin", is_flag=True, required=True,
              help="Read the person's CPR number from standard input (required: never on the command line).")
@click.option("--format", "output", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def access_log(cpr_stdin: bool, output: str) -> None:
    """Every read of every case the person is linked to and every look-up, read and change of the person:
    when (local time), which user, which case, why. A number nobody is registered with gives its look-ups."""
    settings = load_settings()
    number = sys.stdin.readline().strip()
    if not number:
        raise click.ClickException("no CPR number on standard input")
    zone = ZoneInfo(settings.timezone)
    with operator_session() as session:
        person, rows = insight_for_cpr(session, number, None, system_clock())
        if output == "csv":
            click.echo(as_csv(rows, zone), nl=False)
            return
        about = {"id": str(person.id), "pseudonym": person.pseudonym} if person else None
        click.echo(json.dumps({"person": about, "items": [row.as_dict(zone) for row in rows]},
                              ensure_ascii=False, indent=2))
