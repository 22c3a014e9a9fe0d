"""Development mail: each message written to a folder as an .eml file instead of sent (CASEPATH_MAIL_FOLDER).

Any mail program opens .eml files; `casepath demo` uses the instance folder's `mail/` when no SMTP
server is configured, so a newcomer reads the reminders without setting one up. Production refuses
the setting (engine/config.py).
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class FolderSender:
    """Writes each message to `folder` as `<date>-<message id>.eml`; a resend overwrites the same file."""

    def __init__(self, folder: str | Path) -> None:
        """Write into `folder` (created on first use)."""
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> None:
        """Write one message."""
        self.folder.mkdir(parents=True, exist_ok=True)
        sent = parsedate_to_datetime(str(message["Date"]))
        ident = _UNSAFE.sub("_", str(message["Message-ID"]).strip("<>"))[:100]
        (self.folder / f"{sent:%Y%m%d-%H%M%S}-{ident}.eml").write_bytes(message.as_bytes())

    def close(self) -> None:
        """Nothing to close."""
