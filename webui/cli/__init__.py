"""The `casepath` command: the same operations the API offers, for operators and scripts."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy.orm import Session

from engine.bpmn import BpmnValidationError
from engine.clock import system_clock
from engine.config import Settings
from engine.db import make_engine, make_session_factory
from engine.deadlines.worker import sweep
from engine.errors import DomainError
from engine.migrate import upgrade
from engine.process_models.service import deploy as deploy_file
from engine.users import passwords
from engine.users import service as users
from webui.cli.accounts import tokens_group, users_group
from webui.cli.base import load_settings, open_session
from webui.cli.demo_support import development_mail_folder, ensure_port_free
from webui.cli.persons import persons_group
from webui.cli.retention import retention_command

DEMO_USERS = [
    ("modtager", "modtagerteam"),
    ("teamleder", "teamleder"),
    ("raadgiver-boern", "raadgiver-boern"),
    ("raadgiver-voksen", "raadgiver-voksen"),
    ("vidensperson", "vidensperson"),
    ("admin", "admin"),
]
WORKFLOWS_DIR = Path(__file__).resolve().parents[2] / "workflows"


@click.group()
def main() -> None:
    """casepath: case orchestration for honour-related conflict cases."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the schema to the newest migration."""
    engine = make_engine(load_settings().database_url)
    upgrade(engine)
    engine.dispose()
    click.echo("database is up to date")


def _bpmn_files(paths: tuple[str, ...], recursive: bool) -> list[Path]:
    """The .bpmn files named, and those in the folders named (their subfolders only when `recursive`).

    A folder without any is an error: deploying the wrong folder must not look like success.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.rglob("*.bpmn") if recursive else path.glob("*.bpmn"))
            if not found:
                hint = "" if recursive else " (add --recursive to look in its subfolders)"
                raise click.ClickException(f"{raw}: no .bpmn files in this folder{hint}")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise click.ClickException(f"{raw}: no such file or folder")
    return files


def _deploy_paths(session: Session, paths: tuple[str, ...], comment: str, recursive: bool = False) -> bool:
    """Deploy every file; print one line per process; return False when any file was refused."""
    settings = load_settings()
    ok = True
    # Called processes first, so call activities resolve to what this same command deploys.
    files = sorted(_bpmn_files(paths, recursive), key=lambda p: b"callActivity" in p.read_bytes())
    for path in files:
        try:
            forms = {form.stem: form.read_bytes() for form in sorted((path.parent / "forms").glob("*.form"))}
            results = deploy_file(session, path.read_bytes(), actor=None, filename=path.name,
                                  comment=comment, max_bytes=settings.max_bpmn_bytes, forms=forms)
        except BpmnValidationError as exc:
            ok = False
            click.echo(f"{path}: refused", err=True)
            for problem in exc.problems:
                where = f"{problem.element_id} ({problem.element_name})" if problem.element_id else "file"
                click.echo(f"  {where}: {problem.message}", err=True)
            continue
        for item in results:
            state = "deployed" if item.created else "unchanged"
            click.echo(f"{path}: {state} {item.version.key} version {item.version.version}")
    return ok


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--comment", default="", help="Why this version was deployed.")
@click.option("--recursive", "-r", is_flag=True, help="Also deploy the .bpmn files in subfolders of the folders.")
def deploy(paths: tuple[str, ...], comment: str, recursive: bool) -> None:
    """Deploy BPMN files, or the .bpmn files in folders, with the forms in the `forms/` folder beside them.

    A folder's subfolders only with --recursive; a folder without .bpmn files is an error.
    """
    with open_session() as session:
        if not _deploy_paths(session, paths, comment, recursive):
            sys.exit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Do not run the timer worker in this process.")
def run(host: str, port: int, no_worker: bool) -> None:
    """Run the web app and, for the embedded default, the timer worker in the same process."""
    from engine.worker import start_worker
    from webui import create_app

    settings = load_settings()
    app = create_app(settings)
    if not no_worker:
        start_worker(app.extensions["casepath.sessions"], settings, blocking=False)
    app.run(host=host, port=port, use_reloader=False)


def _parse_now(value: str | None, settings: Settings) -> datetime | None:
    if value is None:
        return None
    if not settings.testing:
        raise click.ClickException("--now is for tests and demonstrations only: set CASEPATH_TESTING=1")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.ClickException(f"--now: not an ISO 8601 date-time: {value!r}") from exc
    if moment.tzinfo is None:
        raise click.ClickException("--now needs a UTC offset, e.g. 2026-12-24T10:00:00+01:00")
    return moment.astimezone(UTC)


@main.command()
@click.option("--once", is_flag=True, help="Run one timer sweep, one reminder sweep and one send pass, then exit.")
@click.option("--now", "now_text", default=None, help="With --once and CASEPATH_TESTING=1: sweep as of this instant.")
def worker(once: bool, now_text: str | None) -> None:
    """Fire due timers, queue deadline reminders and send mail: every CASEPATH_WORKER_INTERVAL seconds, or once."""
    from engine.notifications import reminders
    from engine.notifications.outbox import send_pending

    settings = load_settings()
    now = _parse_now(now_text, settings)
    if now is not None and not once:
        raise click.ClickException("--now only works with --once")
    factory = make_session_factory(make_engine(settings.database_url))
    if once:
        def clock() -> datetime:
            return now or system_clock()

        result = sweep(factory, clock=clock, batch=settings.worker_batch_size)
        click.echo(f"fired {result.fired} timers in {result.cases} cases"
                   f" ({result.cancelled} cancelled, {result.failed} failed)")
        reminded = reminders.sweep(factory, settings, clock=clock)
        click.echo(f"queued {reminded.queued} mails for {reminded.stages} deadline stages"
                   f" ({reminded.held} held for digests, {reminded.digests} digests)")
        sent = send_pending(factory, settings, clock=clock)
        click.echo(f"sent {sent.sent} mails ({sent.retried} to retry, {sent.failed} failed, {sent.skipped} skipped)")
        return
    from engine.worker import start_worker

    start_worker(factory, settings, blocking=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-run", is_flag=True, help="Set up the demo data and exit.")
def demo(host: str, port: int, no_run: bool) -> None:
    """Local demo: upgrade the database, create one user per role, deploy workflows/, run.

    Mail goes to files in the instance folder's `mail/` (printed) unless SMTP_HOST is set.
    """
    settings = load_settings()
    if not settings.is_development:
        raise click.ClickException("the demo is for local use only: set CASEPATH_ENV=development")
    if not no_run:
        ensure_port_free(host, port)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    with make_session_factory(engine)() as session:
        click.echo("Demo users (local use only):")
        for username, group in DEMO_USERS:
            password = passwords.generate()
            try:
                # A demo run again: new passwords, so the printed ones are always the valid ones.
                users.set_password(session, username, password)
            except DomainError:
                users.create_user(session, username, f"{username}@example.invalid", [group], password)
            token = users.create_token(session, username)
            click.echo(f"  {username:<17} group {group:<17} password {password}  API token {token}")
        _deploy_paths(session, (str(WORKFLOWS_DIR),), "demo")
    engine.dispose()
    if not no_run:
        folder = development_mail_folder(settings)
        if folder is not None:
            click.echo(f"Mail is not sent: each one is written to {folder} as an .eml file (set SMTP_HOST to send)")
        click.echo(f"casepath runs at http://{host}:{port}/ (API docs: /api/v1/docs)")
        run.callback(host=host, port=port, no_worker=False)  # type: ignore[misc]


main.add_command(users_group)
main.add_command(tokens_group)
main.add_command(retention_command)
main.add_command(persons_group)
