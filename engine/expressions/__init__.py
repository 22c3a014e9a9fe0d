"""Safe expression language for BPMN diagrams (conditions, scripts, timers).

See docs/expressions.md for the language reference written for team leads.
"""

from .errors import ExpressionError
from .evaluator import check_expression, check_script, evaluate, execute
from .functions import DEFAULT_FUNCTIONS, make_functions
from .iso8601 import is_iso8601_literal, timer_source
from .script_engine import SafeEnvironment, SafeScriptEngine

__all__ = [
    "DEFAULT_FUNCTIONS",
    "ExpressionError",
    "SafeEnvironment",
    "SafeScriptEngine",
    "check_expression",
    "check_script",
    "evaluate",
    "execute",
    "is_iso8601_literal",
    "make_functions",
    "timer_source",
]
