"""SpiffWorkflow script engine backed by the safe expression language.

SpiffWorkflow's PythonScriptEngine runs diagram text with eval/exec, both in
the engine and in its "environment", which some SpiffWorkflow code calls
directly (ad-hoc subprocess completion conditions, message correlation). Both
are replaced here, so every path goes through :mod:`.evaluator` instead.

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
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .errors import ExpressionError
from .evaluator import check_expression, evaluate, execute
from .functions import DEFAULT_FUNCTIONS
from .iso8601 import timer_source

Functions = Mapping[str, Callable[..., Any]]


class SafeEnvironment(BasePythonScriptEngineEnvironment):
    """Stands in for TaskDataEnvironment, whose evaluate/execute use eval/exec."""

    def __init__(self, functions: Functions) -> None:
        super().__init__()
        self.functions = functions

    def evaluate(
        self, expression: str, context: Mapping[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> Any:
        """Evaluate against ``context``, falling back to ``external_context``."""
        return evaluate(expression, ChainMap(context, dict(external_context or {})), self.functions)

    def execute(
        self, script: str, context: dict[str, Any], external_context: Mapping[str, Any] | None = None
    ) -> bool:
        """Run a script; writes to the ChainMap land in ``context`` only."""
        execute(script, ChainMap(context, dict(external_context or {})), self.functions)
        return True

    def call_service(self, context: Mapping[str, Any], **kwargs: Any) -> Any:
        """Service calls would leave the sandbox."""
        raise ExpressionError("service tasks are not supported")


class SafeScriptEngine(PythonScriptEngine):
    """Evaluates gateway conditions, scripts and timers without eval/exec."""

    def __init__(self, functions: Functions | None = None) -> None:
        self.functions: dict[str, Callable[..., Any]] = dict(
            DEFAULT_FUNCTIONS if functions is None else functions
        )
        super().__init__(environment=SafeEnvironment(self.functions))

    def validate(self, expression: str) -> None:
        """Deploy-time check of one expression; raises ExpressionError."""
        check_expression(expression, self.functions)

    def evaluate(self, task: Any, expression: str, external_context: Mapping[str, Any] | None = None) -> Any:
        """Evaluate ``expression`` against the task's data (and data objects)."""
        try:
            return self.environment.evaluate(self._source_for(task, expression), task.data, external_context)
        except ExpressionError as err:
            message = f"Error evaluating expression '{expression}': {err.message}"
            raise self._task_error(task, message, err) from err

    def execute(self, task: Any, script: str, external_context: Mapping[str, Any] | None = None) -> bool:
        """Run a script task; assignments land in ``task.data`` only on success."""
        try:
            self.environment.execute(script, task.data, external_context)
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
