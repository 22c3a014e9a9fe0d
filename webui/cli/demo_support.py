"""What `casepath demo` checks and sets up before it changes anything: a free port and a mail folder."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import click

from engine.config import Settings


def ensure_port_free(host: str, port: int) -> None:
    """Stop with a message when `host:port` cannot be served, e.g. because another demo serves it.

    Checked before the demo resets the demo users' passwords, so a second demo started by mistake
    leaves the first one's printed passwords valid.
    """
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise click.ClickException(f"--host {host}: {exc.strerror}") from exc
    with socket.socket(family, kind, proto) as probe:
        # As the web server will: a port left in TIME_WAIT by a stopped demo counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            raise click.ClickException(
                f"{host}:{port} is in use ({exc.strerror}); is another casepath demo running? "
                "Stop it, or choose another port with --port") from exc


def development_mail_folder(settings: Settings) -> Path | None:
    """The folder the demo's mail goes to: CASEPATH_MAIL_FOLDER, or `mail/` in the instance folder when
    no SMTP server was configured (SMTP_HOST unset); None when mail goes to the configured server.

    Sets CASEPATH_MAIL_FOLDER for this process, so the app and worker the demo starts use it.
    """
    if settings.mail_folder:
        return Path(settings.mail_folder)
    if os.environ.get("SMTP_HOST"):
        return None
    folder = settings.instance_path / "mail"
    os.environ["CASEPATH_MAIL_FOLDER"] = str(folder)
    return folder
