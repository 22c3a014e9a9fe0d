"""What changed between two versions of a process: elements added, removed and changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from engine.bpmn import parse_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Diagram layout is not behaviour: moving a shape is not a change.
SKIPPED = {"definitions", "process", "collaboration", "participant", "laneSet", "extensionElements"}
UNORDERED = {"flowNodeRef", "incoming", "outgoing"}  # sets written as lists: their order is no change


@dataclass(frozen=True)
class ElementChange:
    """One element that differs, by BPMN id and name."""

    element_id: str
    name: str
    kind: str
    details: list[str] = field(default_factory=list)


@dataclass
class VersionDiff:
    """Elements added, removed and changed from one version to another."""

    added: list[ElementChange] = field(default_factory=list)
    removed: list[ElementChange] = field(default_factory=list)
    changed: list[ElementChange] = field(default_factory=list)


def _local(tag: str) -> str:
    return etree.QName(tag).localname


def _signature(element: etree._Element) -> dict[str, str]:
    """What matters about an element: its attributes and its content, layout left out. Repeated
    children are kept together (each one counts); references that form a set (a lane's members, a
    node's incoming and outgoing flows) are compared without their order, which means nothing."""
    parts = {f"@{_local(k)}": v for k, v in element.attrib.items() if _local(k) != "id"}
    repeated: dict[str, list[str]] = {}
    for child in element.iter():
        if child is element or not isinstance(child.tag, str):
            continue
        if child.get("id") is not None and child.getparent() is element and _local(child.tag) not in {
                "timerEventDefinition", "conditionExpression"}:
            continue  # nested elements with their own id are compared on their own
        key = _local(child.tag) + "".join(f"[{_local(k)}={v}]" for k, v in sorted(child.attrib.items())
                                           if _local(k) in {"name", "id"} and child.tag.endswith("property"))
        text = (child.text or "").strip()
        attrs = ",".join(f"{_local(k)}={v}" for k, v in sorted(child.attrib.items()) if _local(k) != "id")
        repeated.setdefault(key, []).append(f"{attrs}|{text}")
    for key, values in repeated.items():
        parts[key] = "\n".join(sorted(values) if key in UNORDERED else values)
    return parts


def _elements(data: bytes) -> dict[str, etree._Element]:
    root = parse_xml(data)
    found = {}
    for element in root.iter(f"{{{BPMN_NS}}}*"):
        element_id = element.get("id")
        if element_id and _local(element.tag) not in SKIPPED:
            found[element_id] = element
    return found


def diff_versions(old: bytes, new: bytes) -> VersionDiff:
    """Compare two BPMN documents element by element (by id)."""
    before, after = _elements(old), _elements(new)
    result = VersionDiff()
    for element_id, element in after.items():
        if element_id not in before:
            result.added.append(ElementChange(element_id, element.get("name") or "", _local(element.tag)))
    for element_id, element in before.items():
        kind, name = _local(element.tag), element.get("name") or ""
        if element_id not in after:
            result.removed.append(ElementChange(element_id, name, kind))
            continue
        old_sig, new_sig = _signature(element), _signature(after[element_id])
        details = sorted(key.lstrip("@") for key in set(old_sig) | set(new_sig) if old_sig.get(key) != new_sig.get(key))
        if _local(after[element_id].tag) != kind:
            details.insert(0, "type")
        if details:
            result.changed.append(ElementChange(element_id, after[element_id].get("name") or name, kind, details))
    return result
