"""Deploy-time validation of uploaded BPMN: our checks first, then SpiffWorkflow's parser."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from .expression_checks import check_expressions
from .gateway_checks import check_gateway_defaults
from .graph_checks import check_graph
from .markup_checks import check_markup, check_processing_instructions
from .model import FLOW_NODE_TAGS, bpmn_children, bpmn_descendants, call_targets, is_executable, local
from .parser import CasepathParser, problem_from_exception
from .problems import BpmnValidationError, Problem, element_problem
from .searchable import check_searchable
from .support_checks import check_document_support, check_support
from .timer_checks import check_cycles
from .user_tasks import UserTaskInfo, check_assignment, start_form_infos, user_task_infos
from .xml import parse_xml, processing_instruction_lines

NO_EXECUTABLE_PROCESS = "the file contains no executable process"
# Parsing costs ~1 ms per process; a 2 MB file of tiny processes would tie up a worker.
MAX_EXECUTABLE_PROCESSES = 50
_NEED_ID = FLOW_NODE_TAGS | {"process", "sequenceFlow", "lane"}


@dataclass
class ValidatedBpmn:
    """What the deploy layer needs to know about an accepted document."""

    process_ids: list[str]
    process_names: dict[str, str] = field(default_factory=dict)
    called_ids: set[str] = field(default_factory=set)
    user_tasks: dict[str, list[UserTaskInfo]] = field(default_factory=dict)
    start_forms: dict[str, list[UserTaskInfo]] = field(default_factory=dict)

    def form_users(self) -> list[UserTaskInfo]:
        """Every element that names a form: user tasks and start events."""
        return [info for infos in (*self.user_tasks.values(), *self.start_forms.values()) for info in infos]


def _definitions(data: bytes) -> etree._Element:
    root = parse_xml(data)
    if local(root) != "definitions":
        raise BpmnValidationError(
            [Problem(None, None, "the root element is not bpmn:definitions (not a BPMN 2.0 file)")]
        )
    return root


def _guarded(problems: list[Problem], check: Callable[..., list[Problem]], *args: object) -> None:
    """Run one of our checks; a bug in a check must become a problem, never a crash."""
    try:
        problems.extend(check(*args))
    except Exception as exc:  # noqa: BLE001
        problems.append(
            Problem(None, None, f"the diagram could not be validated: {type(exc).__name__}: {exc}"[:300])
        )


def _load_extra(extra_documents: Sequence[bytes], problems: list[Problem]) -> list[etree._Element]:
    roots = []
    for number, data in enumerate(extra_documents, start=1):
        try:
            roots.append(_definitions(data))
        except BpmnValidationError as exc:
            problems.extend(
                Problem(p.element_id, p.element_name, f"referenced file {number}: {p.message}")
                for p in exc.problems
            )
    return roots


def _check_ids(root: etree._Element) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for element in bpmn_descendants(root):
        element_id = element.get("id")
        if local(element) not in _NEED_ID:
            continue  # e.g. SpiffArena reuses ids for multi-instance data items, harmlessly
        if not element_id:
            problems.append(element_problem(element, f"the {local(element)} element has no id"))
        elif element_id in seen:
            problems.append(
                element_problem(element, f"the id '{element_id}' is used by more than one element")
            )
        seen.add(element_id or "")
    return problems


def _process_names(root: etree._Element, processes: list[etree._Element]) -> dict[str, str]:
    """Process name, else the name of the pool (participant) showing it, else its id."""
    pools = {
        p.get("processRef"): " ".join(p.get("name", "").split())
        for p in bpmn_descendants(root, "participant")
        if p.get("processRef")
    }
    names = {}
    for process in processes:
        process_id = process.get("id") or ""
        names[process_id] = (
            " ".join((process.get("name") or "").split()) or pools.get(process_id) or process_id
        )
    return names


def _parse_with_spiff(
    root: etree._Element, filename: str, extra_roots: list[etree._Element], top_level: list[str]
) -> list[Problem]:
    """Step 7: let SpiffWorkflow parse each top-level process and build a workflow from it."""
    parser = CasepathParser()
    try:
        parser.add_bpmn_xml(root, filename=filename)
        for number, extra in enumerate(extra_roots, start=1):
            parser.add_bpmn_xml(extra, filename=f"referenced-{number}.bpmn")
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes a problem
        return [problem_from_exception(exc)]
    problems = []
    for process_id in top_level:
        try:
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(process_id)
            BpmnWorkflow(spec, subprocess_specs)
        except Exception as exc:  # noqa: BLE001
            problems.append(problem_from_exception(exc))
    return problems


def validate_bpmn(
    data: bytes, filename: str = "upload.bpmn", extra_documents: Sequence[bytes] = (),
    *, now: datetime | None = None,
) -> ValidatedBpmn:
    """Validate an uploaded BPMN document (plus the documents its call activities use).

    `now` (default: the current time) is the deploy instant that a cycle's start must not precede.
    Returns a ValidatedBpmn describing the deployable processes, or raises
    BpmnValidationError listing every problem found.
    """
    root = _definitions(data)
    now = now or datetime.now(UTC)
    problems: list[Problem] = []
    _guarded(problems, check_markup, root)
    _guarded(problems, lambda: check_processing_instructions(processing_instruction_lines(data)))
    extra_roots = _load_extra(extra_documents, problems)

    processes = bpmn_children(root, "process")
    executable = [p for p in processes if is_executable(p)]
    if not executable:
        problems += [
            element_problem(p, f"process '{p.get('id')}' is not executable (isExecutable is not true)")
            for p in processes
        ] or [Problem(None, None, NO_EXECUTABLE_PROCESS)]
        raise BpmnValidationError(problems)

    if len(executable) > MAX_EXECUTABLE_PROCESSES:
        count = len(executable)
        message = f"the file holds {count} executable processes (at most {MAX_EXECUTABLE_PROCESSES})"
        raise BpmnValidationError([*problems, Problem(None, None, message)])

    local_processes = {p.get("id"): p for p in processes if p.get("id")}
    external_ids = {p.get("id") for r in extra_roots for p in bpmn_children(r, "process") if p.get("id")}
    called_here = {target for p in executable for target in call_targets(p)}
    top_level = [p.get("id") or "" for p in executable if p.get("id") not in called_here]
    if not top_level:
        problems.append(
            Problem(None, None, "every executable process is called by a call activity: nothing to start")
        )

    _guarded(problems, _check_ids, root)
    _guarded(problems, check_document_support, root)
    for process in executable:
        _guarded(problems, check_assignment, process)
        _guarded(problems, check_graph, process)
        _guarded(problems, check_gateway_defaults, process)
        _guarded(problems, check_expressions, process)
        _guarded(problems, check_cycles, process, now)
        _guarded(problems, check_support, process, local_processes, external_ids)
        _guarded(problems, check_searchable, process)

    # SpiffWorkflow stops at its first error and often repeats one of ours, so
    # its findings only add what we have not already said about an element.
    reported = {p.element_id for p in problems}
    spiff_problems = _parse_with_spiff(root, filename, extra_roots, [t for t in top_level if t])
    problems += [
        p
        for p in spiff_problems
        if (p.element_id is not None and p.element_id not in reported) or not problems
    ]
    if problems:
        raise BpmnValidationError(list(dict.fromkeys(problems)))

    try:
        return ValidatedBpmn(
            process_ids=top_level,
            process_names=_process_names(root, executable),
            called_ids={target for target in called_here if target not in local_processes},
            user_tasks={process.get("id") or "": user_task_infos(process) for process in executable},
            start_forms={process.get("id") or "": start_form_infos(process) for process in executable},
        )
    except Exception as exc:  # noqa: BLE001 - never let a summary bug escape as a 500
        raise BpmnValidationError([problem_from_exception(exc)]) from exc
