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
from engine.persons.access_log import PersonAccessEntry
from engine.persons.models import CasePerson, Person
from engine.persons.signal_models import FamilyLink, PersonSignal
from engine.process_models.models import LaneGroup, ProcessDraft, ProcessVersion
from engine.reports import indexes as _report_indexes  # noqa: F401 - the reports' indexes (0019)
from engine.tasks.drafts import TaskDraft
from engine.tasks.models import Task
from engine.users.models import ApiToken, Group, User
from engine.users.oidc_models import GroupMapping, UnmappedGroupValue
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
    "CasePerson",
    "CaseSequence",
    "CaseState",
    "ClosingReason",
    "Consent",
    "DeadlineNotice",
    "DeadlineRule",
    "DeadlineRuleChange",
    "DirectoryEntry",
    "Disclosure",
    "FamilyLink",
    "FormVersion",
    "Group",
    "GroupMapping",
    "LaneGroup",
    "LegalException",
    "OutboxMail",
    "Person",
    "PersonAccessEntry",
    "PersonSignal",
    "ProcessDraft",
    "ProcessVersion",
    "SafeContact",
    "SavedFilter",
    "Task",
    "TaskDraft",
    "TaskSubmission",
    "UnmappedGroupValue",
    "Timer",
    "User",
]
