"""SpiffWorkflow script engine backed by the safe expression language.

SpiffWorkflow's PythonScriptEngine runs diagram text with eval/exec. This
subclass overrides every entry point that would do so and routes the text
through :mod:`.evaluator` instead; the parent's environment is never used.

Name precedence: a call such as ``date(...)`` always uses the whitelisted
function (functions win), so task data cannot shadow or break a function.
Plain names read task data first, then the workflow's data objects.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine.python_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .errors import ExpressionError
from .evaluator import check_expression, evaluate, execute
from .functions import DEFAULT_FUNCTIONS
from .iso8601 import timer_source


class SafeScriptEngine(PythonScriptEngine):
    """Evaluates gateway conditions, scripts and timers without eval/exec."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]] | None = None) -> None:
        super().__init__()
        self.functions: dict[str, Callable[..., Any]] = dict(
            DEFAULT_FUNCTIONS if functions is None else functions
        )

    def validate(self, expression: str) -> None:
        """Deploy-time check of one expression; raises ExpressionError."""
        check_expression(expression, self.functions)

    def evaluate(self, task: Any, expression: str, external_context: Mapping[str, Any] | None = None) -> Any:
        """Evaluate ``expression`` against the task's data (and data objects)."""
        names = ChainMap(task.data, dict(external_context or {}))
        try:
            return evaluate(self._source_for(task, expression), names, self.functions)
        except ExpressionError as err:
            message = f"Error evaluating expression '{expression}': {err.message}"
            raise self._task_error(task, message, err) from err

    def execute(self, task: Any, script: str, external_context: Mapping[str, Any] | None = None) -> bool:
        """Run a script task; assignments land in ``task.data`` only on success."""
        # Writes to a ChainMap go to its first map, i.e. the task data.
        names = ChainMap(task.data, dict(external_context or {}))
        try:
            execute(script, names, self.functions)
        except ExpressionError as err:
            raise self._task_error(task, f"Error in script: {err.message}", err, script) from err
        return True

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        """Service tasks would reach outside the sandbox, so they are refused."""
        raise WorkflowTaskException("service tasks are not supported", task=task)

    @staticmethod
    def _source_for(task: Any, expression: str) -> str:
        """Let timer events use plain ISO 8601 text such as ``PT24H``.

        Only the timer's own expression is rewritten; conditions that happen
        to look like dates (``2026-12-01``) are still evaluated as written.
        """
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition) and definition.expression == expression:
            return timer_source(expression)
        return expression

    @staticmethod
    def _task_error(
        task: Any, message: str, err: ExpressionError, source: str | None = None
    ) -> WorkflowTaskException:
        """Wrap an ExpressionError so SpiffWorkflow reports it with the task."""
        error_line = None
        if source is not None and err.lineno is not None:
            lines = source.splitlines()
            if 0 < err.lineno <= len(lines):
                error_line = lines[err.lineno - 1]
        return WorkflowTaskException(
            message, task=task, exception=err, line_number=err.lineno, error_line=error_line
        )
