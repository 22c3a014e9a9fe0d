"""Import every model so `Base.metadata` is complete (for Alembic and tests)."""

from engine.cases.models import Case, CaseEvent, CaseSequence, CaseState
from engine.db import Base
from engine.deadlines.models import DeadlineRule, DeadlineRuleChange, Timer
from engine.process_models.models import LaneGroup, ProcessVersion
from engine.tasks.models import Task
from engine.users.models import ApiToken, Group, User

__all__ = [
    "ApiToken",
    "Base",
    "Case",
    "CaseEvent",
    "CaseSequence",
    "CaseState",
    "DeadlineRule",
    "DeadlineRuleChange",
    "Group",
    "LaneGroup",
    "ProcessVersion",
    "Task",
    "Timer",
    "User",
]
