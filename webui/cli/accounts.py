"""`casepath users ...` and `casepath tokens ...`: accounts for operators and scripts."""

from __future__ import annotations

import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import click

from engine.clock import system_clock
from engine.users import accounts, passwords
from engine.users import service as users
from webui.cli.base import load_settings, operator_session


@click.group("users")
def users_group() -> None:
    """User accounts."""


@users_group.command("create")
@click.argument("username")
@click.option("--email", required=True)
@click.option("--group", "groups", multiple=True, required=True, help="Group key; repeat for several.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (at least 12 characters, not a common password).")
def users_create(username: str, email: str, groups: tuple[str, ...], password_stdin: bool) -> None:
    """Create a user in one or more groups (groups are created on first use).

    User names: letters, digits, . _ @ and -; group keys: a-z, 0-9, - and _ (as `users groups --add`).
    """
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    if password_stdin and not password:
        raise click.ClickException("no password on standard input")
    with operator_session() as session:
        users.create_user(session, username, email, list(groups), password)
    click.echo(f"created user {username} in {', '.join(groups)}")


@users_group.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (at least 12 characters, not a common password).")
def users_set_password(username: str, password_stdin: bool) -> None:
    """Give a user a new password: read from standard input, or generated and printed as the last line.

    Signs the user out of the web UI everywhere.
    """
    password = sys.stdin.readline().rstrip("\n") if password_stdin else passwords.generate()
    if not password:
        raise click.ClickException("no password on standard input")
    with operator_session() as session:
        users.set_password(session, username, password)
    click.echo(f"new password for {username} is set")
    if not password_stdin:
        click.echo(password)


@click.group("tokens")
def tokens_group() -> None:
    """Personal API tokens."""


@tokens_group.command("create")
@click.argument("username")
@click.option("--expires-in", "expires_in", type=click.IntRange(1, users.MAX_TOKEN_DAYS), default=None,
              metavar="DAYS", help="The token stops working after this many days (default: when revoked).")
def tokens_create(username: str, expires_in: int | None) -> None:
    """Issue a personal API token; it is printed once, as the last line."""
    with operator_session() as session:
        token = users.create_token(session, username, expires_in_days=expires_in)
    until = f", valid for {expires_in} days" if expires_in else ""
    click.echo(f"new API token for {username}{until} (store it now; it is not shown again):")
    click.echo(token)


@users_group.command("list")
def users_list() -> None:
    """Every user: name, access (active or deactivated) and groups."""
    with operator_session() as session:
        for user in accounts.list_users(session):
            state = "active" if user.active else "deactivated"
            click.echo(f"{user.username:<24} {state:<12} {', '.join(sorted(user.group_keys))}")


@users_group.command("deactivate")
@click.argument("username")
def users_deactivate(username: str) -> None:
    """Take a user's access away at once (web sessions and API tokens); their tasks go back to their groups."""
    with operator_session() as session:
        change = accounts.update_account(session, users.get_user(session, username), active=False)
    click.echo(f"{username} is deactivated; {change.released_tasks} held tasks went back to their groups")


@users_group.command("activate")
@click.argument("username")
def users_activate(username: str) -> None:
    """Give a deactivated user access again."""
    with operator_session() as session:
        accounts.update_account(session, users.get_user(session, username), active=True)
    click.echo(f"{username} is active")


@users_group.command("groups")
@click.argument("username")
@click.option("--add", "add", multiple=True, help="Group key to join (created on first use); repeat for several.")
@click.option("--remove", "remove", multiple=True, help="Group key to leave; repeat for several.")
def users_groups(username: str, add: tuple[str, ...], remove: tuple[str, ...]) -> None:
    """Move a user between groups; tasks held in a group they leave go back to that group."""
    if not add and not remove:
        raise click.UsageError("give --add GROUP or --remove GROUP")
    with operator_session() as session:
        change = accounts.update_account(session, users.get_user(session, username), add=add, remove=remove)
        groups = ", ".join(sorted(change.user.group_keys))
    click.echo(f"{username} is in {groups}; {change.released_tasks} held tasks went back to their groups")


@tokens_group.command("list")
@click.argument("username")
def tokens_list(username: str) -> None:
    """The user's tokens by their first characters: issued, state (active, expired or revoked), expiry and
    last use (Danish time)."""
    zone = ZoneInfo(load_settings().timezone)

    def shown(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "-"

    with operator_session() as session:
        tokens = accounts.list_tokens(session, users.get_user(session, username))
    now = system_clock()
    for token in tokens:
        if token.revoked_at:
            state = f"revoked {shown(token.revoked_at)}"
        else:
            state = "expired" if token.expires_at and token.expires_at <= now else "active"
        expiry = f"expires {shown(token.expires_at)}" if token.expires_at else "no expiry"
        used = f"last used {shown(token.last_used_at)}" if token.last_used_at else "never used"
        click.echo(f"{token.prefix}...  issued {shown(token.created_at)}  {state}  {expiry}  {used}")


@tokens_group.command("revoke")
@click.argument("username")
@click.argument("prefix", required=False)
@click.option("--all", "revoke_all", is_flag=True, help="Revoke every token of the user.")
def tokens_revoke(username: str, prefix: str | None, revoke_all: bool) -> None:
    """Revoke one token (its first characters, as `tokens list` shows them, or the whole token) or --all.

    --all also signs the user out of the web UI everywhere.
    """
    if bool(prefix) == revoke_all:
        raise click.UsageError("give either a token prefix or --all")
    with operator_session() as session:
        count = accounts.revoke_tokens(session, users.get_user(session, username), prefix)
    click.echo(f"revoked {count} tokens of {username}")
