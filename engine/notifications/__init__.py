"""E-mail notifications: deadline reminders, escalations, assignment notices and daily digests.

Mails are written to an outbox in the transaction of the change that causes them and sent by the
worker. A mail carries only a task name, a case reference, a deadline, what happens when it
passes, and a link: never names, CPR numbers, addresses, form data or case text.
"""

from engine.notifications.context import configure, current_settings
from engine.notifications.outbox import queue_assignment

__all__ = ["configure", "current_settings", "queue_assignment"]
