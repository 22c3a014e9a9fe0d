"""Import every model so `Base.metadata` is complete (for Alembic and tests)."""

from engine.cases.access import CaseAccess
from engine.cases.models import BreakGlass, Case, CaseEvent, CaseMember, CaseSequence, CaseState, ClosingReason
from engine.cases.record_models import CaseAttachment, CaseNote, TaskSubmission
from engine.consent.models import Consent, Disclosure, LegalException, SafeContact
from engine.db import Base
from engine.deadlines.models import DeadlineRule, DeadlineRuleChange, Timer
from engine.directory.models import DirectoryEntry
from engine.forms.models import FormVersion
from engine.notifications.models import DeadlineNotice, OutboxMail
from engine.process_models.models import LaneGroup, ProcessDraft, ProcessVersion
from engine.tasks.drafts import TaskDraft
from engine.tasks.models import Task
from engine.users.models import ApiToken, Group, User
from engine.users.saved_filters import SavedFilter

__all__ = [
    "ApiToken",
    "Base",
    "BreakGlass",
    "Case",
    "CaseAccess",
    "CaseAttachment",
    "CaseEvent",
    "CaseMember",
    "CaseNote",
    "CaseSequence",
    "CaseState",
    "ClosingReason",
    "Consent",
    "DeadlineNotice",
    "DeadlineRule",
    "DeadlineRuleChange",
    "DirectoryEntry",
    "Disclosure",
    "FormVersion",
    "Group",
    "LaneGroup",
    "LegalException",
    "OutboxMail",
    "ProcessDraft",
    "ProcessVersion",
    "SafeContact",
    "SavedFilter",
    "Task",
    "TaskDraft",
    "TaskSubmission",
    "Timer",
    "User",
]
