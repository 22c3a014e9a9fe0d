"""Casepath's SpiffWorkflow parser: safe loading, plain ISO timers, user-task metadata."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import first, full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.defaults import (
    BoundaryEvent,
    IntermediateCatchEvent,
    IntermediateThrowEvent,
    StartEvent,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.camunda.parser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaIntermediateThrowEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS, UserTaskParser
from SpiffWorkflow.camunda.specs.user_task import UserTask
from SpiffWorkflow.exceptions import WorkflowException

from engine.deadlines.timer_events import CaseCycleTimer, CaseDurationTimer, CaseTimeDateTimer
from engine.expressions import timer_source

from .problems import BpmnValidationError, Problem
from .xml import parse_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_TIMER_KINDS: tuple[tuple[str, type[TimerEventDefinition]], ...] = (
    # Our subclasses read "now" from the case's clock, so the worker can fire as of an instant.
    ("timeDate", CaseTimeDateTimer),
    ("timeDuration", CaseDurationTimer),
    ("timeCycle", CaseCycleTimer),
)


def split_candidate_groups(value: str | None) -> list[str]:
    """Split a ``camunda:candidateGroups`` attribute ("a, b") into clean group names."""
    return [group.strip() for group in (value or "").split(",") if group.strip()]


class _PlainTimerMixin:
    """Store ``timer_source(text)`` as the timer expression.

    Modelers write timers as plain ISO 8601 text (``PT24H``) while SpiffWorkflow
    evaluates the text as a Python expression; timer_source quotes literals.
    """

    def parse_timer_event(self, event: etree._Element) -> TimerEventDefinition:
        node = self.node  # type: ignore[attr-defined]
        description = self.get_event_description(event)  # type: ignore[attr-defined]
        name = node.get("name", node.get("id"))
        for tag, definition_class in _TIMER_KINDS:
            element = first(event.findall(f"{{{BPMN_NS}}}{tag}"))
            if element is None:
                continue
            text = (element.text or "").strip()
            if not text:
                raise ValidationException(
                    f"the timer's {tag} is empty",
                    node=node,
                    file_name=self.filename,  # type: ignore[attr-defined]
                )
            return definition_class(name, timer_source(text), description=description)
        raise ValidationException(
            "the timer has no timeDate, timeDuration or timeCycle",
            node=node,
            file_name=self.filename,  # type: ignore[attr-defined]
        )


class CasepathStartEventParser(_PlainTimerMixin, CamundaStartEventParser):
    """Start events with plain ISO 8601 timers."""


class CasepathIntermediateCatchEventParser(_PlainTimerMixin, CamundaIntermediateCatchEventParser):
    """Intermediate catch events with plain ISO 8601 timers."""


class CasepathIntermediateThrowEventParser(_PlainTimerMixin, CamundaIntermediateThrowEventParser):
    """Intermediate throw events with plain ISO 8601 timers."""


class CasepathBoundaryEventParser(_PlainTimerMixin, CamundaBoundaryEventParser):
    """Boundary events with plain ISO 8601 timers."""


class CasepathUserTaskParser(UserTaskParser):
    """Camunda user tasks that also record assignment metadata in ``task_spec.extensions``."""

    def parse_extensions(self, node: etree._Element | None = None) -> dict[str, Any]:
        """Return camunda:properties plus candidate_groups, form_key and due_date."""
        extensions = super().parse_extensions(node)
        extensions["candidate_groups"] = split_candidate_groups(self.attribute("candidateGroups", "camunda"))
        extensions["form_key"] = self.attribute("formKey", "camunda")
        extensions["due_date"] = self.attribute("dueDate", "camunda")
        return extensions


class CasepathParser(CamundaParser):
    """CamundaParser that only ever reads documents through ``parse_xml``."""

    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (CasepathUserTaskParser, UserTask),
        full_tag("startEvent"): (CasepathStartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (CasepathIntermediateCatchEventParser, IntermediateCatchEvent),
        full_tag("intermediateThrowEvent"): (CasepathIntermediateThrowEventParser, IntermediateThrowEvent),
        full_tag("boundaryEvent"): (CasepathBoundaryEventParser, BoundaryEvent),
    }

    def __init__(self, namespaces: dict[str, str] | None = None, validator: Any = None) -> None:
        super().__init__(namespaces=namespaces, validator=validator)
        # SpiffWorkflow indexes lanes by id(root); keeping the roots alive stops
        # a later document from reusing a freed root's id and its stale index.
        self._roots: list[etree._Element] = []

    def add_bpmn_bytes(self, data: bytes, filename: str | None = None) -> None:
        """Parse ``data`` with our safe XML loader and add it to the parser's set."""
        self.add_bpmn_xml(parse_xml(data), filename=filename)

    def add_bpmn_xml(self, bpmn: Any, filename: str | None = None) -> None:
        """Add an already safely parsed document (root element or tree)."""
        root = bpmn.getroot() if hasattr(bpmn, "getroot") else bpmn
        self._roots.append(root)
        super().add_bpmn_xml(root, filename)

    # SpiffWorkflow's own loaders use lxml's default (entity-resolving) parser.
    def add_bpmn_str(self, bpmn_str: bytes, filename: str | None = None) -> None:
        """Add a document given as bytes (routed through ``parse_xml``)."""
        data = bpmn_str.encode("utf-8") if isinstance(bpmn_str, str) else bpmn_str
        self.add_bpmn_bytes(data, filename)

    def add_bpmn_io(self, file_like_object: Any, filename: str | None = None) -> None:
        """Add a document read from a binary file object (routed through ``parse_xml``)."""
        self.add_bpmn_str(file_like_object.read(), filename)

    def add_bpmn_files(self, filenames: Sequence[str]) -> None:
        """Add documents from files on disk (routed through ``parse_xml``)."""
        for filename in filenames:
            with open(filename, "rb") as handle:
                self.add_bpmn_bytes(handle.read(), filename)

    def add_dmn_str(self, dmn_str: bytes, filename: str | None = None) -> None:
        """Add a DMN document given as bytes (routed through ``parse_xml``)."""
        data = dmn_str.encode("utf-8") if isinstance(dmn_str, str) else dmn_str
        root = parse_xml(data)
        self._roots.append(root)
        self.add_dmn_xml(root, filename)

    def add_dmn_io(self, file_like_object: Any, filename: str | None = None) -> None:
        """Add a DMN document read from a binary file object (routed through ``parse_xml``)."""
        self.add_dmn_str(file_like_object.read(), filename)

    def add_dmn_files(self, filenames: Sequence[str]) -> None:
        """Add DMN documents from files on disk (routed through ``parse_xml``)."""
        for filename in filenames:
            with open(filename, "rb") as handle:
                self.add_dmn_str(handle.read(), filename)

    def _find_dependencies(self, process: etree._Element) -> None:
        # The Camunda implementation raises KeyError for a businessRuleTask
        # without camunda:decisionRef; we reject business rule tasks anyway.
        for call_activity in process.iterfind(f".//{{{BPMN_NS}}}callActivity"):
            self.process_dependencies.add(call_activity.get("calledElement"))
        for rule_task in process.iterfind(f".//{{{BPMN_NS}}}businessRuleTask"):
            decision = rule_task.get(f"{{{CAMUNDA_MODEL_NS}}}decisionRef")
            if decision:
                self.dmn_dependencies.add(decision)


def problem_from_exception(exc: BaseException) -> Problem:
    """Turn anything SpiffWorkflow raised while parsing into a Problem."""
    if isinstance(exc, ValidationException):
        message = str(exc.args[0]) if exc.args else "invalid diagram"
        if "RecursionError" in message:
            # SpiffWorkflow follows sequence flows recursively (~450 nodes in a row at most).
            message = "the path through the diagram is too long to parse; split it with call activities"
        elif re.match(r"^\w+(Error|Exception)\(", message):
            # TaskParser wraps unexpected errors as repr(exc): say it is a parser failure.
            message = f"the diagram could not be parsed: {message}"
        message = " ".join(message.split())[:300]
        name = " ".join((exc.name or "").split()) or None
        return Problem(exc.id or None, name if exc.id else None, message)
    if isinstance(exc, WorkflowException) and exc.task_spec is not None:
        spec = exc.task_spec
        bpmn_id = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
        return Problem(bpmn_id, getattr(spec, "bpmn_name", None), str(exc.args[0]) if exc.args else str(exc))
    detail = " ".join(str(exc).split())[:200]
    return Problem(None, None, f"the diagram could not be parsed: {type(exc).__name__}: {detail}")


def load_specs(
    documents: Sequence[bytes], process_id: str
) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """Parse ``documents`` and return the spec of ``process_id`` and its subprocess specs.

    Raises BpmnValidationError for any failure (never a SpiffWorkflow exception).
    """
    parser = CasepathParser()
    try:
        for index, data in enumerate(documents):
            parser.add_bpmn_bytes(data, filename=f"document-{index}.bpmn")
        return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    except BpmnValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a 422
        raise BpmnValidationError([problem_from_exception(exc)]) from exc
