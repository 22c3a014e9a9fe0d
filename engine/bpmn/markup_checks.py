"""Foreign markup in an uploaded diagram: refused at deploy, so no stored diagram carries any.

A diagram is stored as uploaded and handed to browsers (the case page's viewer, downloads). A
probe deployed BPMN with an XHTML `<html:script>`, an SVG element with `onload` and an XInclude
element; served inline as XML, a browser would have run them, and only the Content-Security-Policy
stopped it. casepath reads nothing but BPMN and a few modeler extensions, so everything else is
refused rather than stripped (stripping would change the bytes the team lead signed off):

- elements outside `ALLOWED_NAMESPACES` (BPMN model and DI, OMG DC/DI, Camunda 7, bpmn.io and OMG
  colours, SpiffWorkflow), including XHTML inside `bpmn:documentation`, which is plain text here;
- any `script` element outside the BPMN namespace (a script task's `bpmn:script` is ours);
- any attribute named `on...` (event handlers) and any attribute in the XHTML, SVG, XLink,
  XInclude or XSLT namespaces;
- processing instructions, e.g. `<?xml-stylesheet?>` (see `xml.processing_instruction_lines`).
"""

from __future__ import annotations

from lxml import etree

from .model import BPMN_NS, CAMUNDA_NS, SPIFF_NS
from .problems import Problem, element_problem

BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
DI_NS = "http://www.omg.org/spec/DD/20100524/DI"
BIOC_NS = "http://bpmn.io/schema/bpmn/biocolor/1.0"
COLOR_NS = "http://www.omg.org/spec/BPMN/non-normative/color/1.0"
XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
ALLOWED_NAMESPACES = frozenset({BPMN_NS, BPMNDI_NS, DC_NS, DI_NS, CAMUNDA_NS, BIOC_NS, COLOR_NS, SPIFF_NS})
# Attributes a browser (or an XML processor) acts on; everything else on an allowed element is data.
ACTIVE_ATTRIBUTE_NAMESPACES = frozenset({
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    XINCLUDE_NS,
    "http://www.w3.org/1999/XSL/Transform",
})
MAX_REPORTED = 20  # one problem per element, at most this many: a pasted web page is one mistake


def _owner(element: etree._Element) -> etree._Element:
    """The nearest BPMN element with an id (the one the modeler can select), else the root."""
    for candidate in (element, *element.iterancestors()):
        if candidate.get("id") and _name(candidate.tag)[0] in ALLOWED_NAMESPACES:
            return candidate
    return element.getroottree().getroot()


def _name(tag: str) -> tuple[str | None, str]:
    qname = etree.QName(tag)
    return qname.namespace, qname.localname


def _element_reason(namespace: str | None, name: str) -> str | None:
    if namespace == XINCLUDE_NS:
        return f"XInclude ({name}) is not allowed"
    if name.lower() == "script" and namespace != BPMN_NS:
        return f"a script element in the namespace {namespace or '(none)'} is not allowed"
    if namespace not in ALLOWED_NAMESPACES:
        return (f"the element {name} in the namespace {namespace or '(none)'} is not allowed: a diagram holds "
                "only BPMN, BPMN DI, Camunda 7, bpmn.io colour and SpiffWorkflow elements")
    return None


def _attribute_reason(attribute: str) -> str | None:
    namespace, name = _name(attribute)
    if name.lower().startswith("on"):
        return f"the event-handler attribute {name} is not allowed"
    if namespace in ACTIVE_ATTRIBUTE_NAMESPACES:
        return f"the attribute {name} in the namespace {namespace} is not allowed"
    return None


def _reason(element: etree._Element) -> str | None:
    namespace, name = _name(element.tag)
    reason = _element_reason(namespace, name)
    if reason is None:
        reason = next((found for found in map(_attribute_reason, element.attrib) if found), None)
    return reason


def check_markup(root: etree._Element) -> list[Problem]:
    """Foreign elements and active attributes anywhere in the document, each named by its owner.

    A foreign element is reported once, not again for everything inside it.
    """
    problems: list[Problem] = []
    stack = [root]
    while stack and len(problems) < MAX_REPORTED:
        element = stack.pop()
        reason = _reason(element)
        if reason is not None:
            problems.append(element_problem(_owner(element), reason))
            if _name(element.tag)[0] not in ALLOWED_NAMESPACES:
                continue  # its content is foreign too; one problem says it
        # Elements only (comments are harmless), in document order.
        stack.extend(reversed([child for child in element if isinstance(child.tag, str)]))
    return problems


def check_processing_instructions(lines: list[int]) -> list[Problem]:
    """A problem for the first processing instruction the upload holds (by line)."""
    if not lines:
        return []
    return [Problem(None, None, f"the file is not allowed to hold processing instructions "
                                f"(<?...?>, line {lines[0]}); remove them")]
