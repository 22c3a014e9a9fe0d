"""Who may work on a user task: lanes and candidate groups, resolved the way SpiffWorkflow does."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .model import SUBPROCESS_TAGS, bpmn_children, bpmn_descendants, camunda_attribute, local
from .parser import split_candidate_groups
from .problems import Problem, element_problem


@dataclass
class UserTaskInfo:
    """Assignment metadata of one user task, as the engine will see it on the task spec."""

    bpmn_id: str
    name: str | None
    lane: str | None
    candidate_groups: list[str] = field(default_factory=list)
    form_key: str | None = None
    due_date: str | None = None


def _lane_index(process: etree._Element) -> dict[str, etree._Element]:
    """flowNodeRef id -> lane element for all lanes of the process (nested lanes included).

    A node listed in a parent lane and in one of its child lanes maps to the
    child lane: child lanes come later in document order, as in SpiffWorkflow.
    """
    index: dict[str, etree._Element] = {}
    for lane in bpmn_descendants(process, "lane"):
        for ref in bpmn_children(lane, "flowNodeRef"):
            if isinstance(ref.text, str):
                index[ref.text] = lane
    return index


def _lane_of(
    node: etree._Element, process: etree._Element, index: dict[str, etree._Element]
) -> etree._Element | None:
    """The lane SpiffWorkflow assigns: an enclosing subprocess's lane wins over the node's own."""
    chain = []
    current = node
    while current is not None and current is not process:
        chain.append(current)
        current = current.getparent()
    fallback = None
    for element in reversed(chain):  # outermost first
        if element is not node and local(element) not in SUBPROCESS_TAGS:
            continue
        lane = index.get(element.get("id") or "")
        if lane is not None and lane.get("name"):
            return lane
        fallback = fallback if fallback is not None else lane
    return fallback


def user_task_infos(process: etree._Element) -> list[UserTaskInfo]:
    """Describe every user task of a process, including those inside subprocesses."""
    index = _lane_index(process)
    infos = []
    for task in bpmn_descendants(process, "userTask"):
        lane = _lane_of(task, process, index)
        name = task.get("name")
        infos.append(
            UserTaskInfo(
                bpmn_id=task.get("id") or "",
                name=" ".join(name.split()) if name else None,
                lane=(lane.get("name") or None) if lane is not None else None,
                candidate_groups=split_candidate_groups(camunda_attribute(task, "candidateGroups")),
                form_key=camunda_attribute(task, "formKey"),
                due_date=camunda_attribute(task, "dueDate"),
            )
        )
    return infos


def start_form_infos(process: etree._Element) -> list[UserTaskInfo]:
    """The process's own start events that name a form (`camunda:formKey`): the data a case opens with."""
    infos = []
    for event in bpmn_children(process, "startEvent"):
        key = camunda_attribute(event, "formKey")
        if key:
            name = event.get("name")
            infos.append(UserTaskInfo(bpmn_id=event.get("id") or "", name=" ".join(name.split()) if name else None,
                                      lane=None, form_key=key))
    return infos


def start_form_key(process: etree._Element) -> str | None:
    """The form key of the process's start form, if it has one."""
    infos = start_form_infos(process)
    return infos[0].form_key if infos else None


def check_assignment(process: etree._Element) -> list[Problem]:
    """Every user task needs a lane or candidate groups, or nobody could ever claim it."""
    index = _lane_index(process)
    problems = []
    for task in bpmn_descendants(process, "userTask"):
        if split_candidate_groups(camunda_attribute(task, "candidateGroups")):
            continue
        lane = _lane_of(task, process, index)
        if lane is None:
            problems.append(element_problem(task, "user task is not in a lane and has no candidate group"))
        elif not lane.get("name"):
            problems.append(
                element_problem(task, "user task's lane has no name and it has no candidate group")
            )
    return problems
