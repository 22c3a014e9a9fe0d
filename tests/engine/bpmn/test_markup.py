"""Foreign markup in an uploaded diagram is refused at deploy (the probe: XHTML script, SVG onload,
XInclude), naming the element that holds it; BPMN, DI, Camunda and colour markup still deploys."""

from __future__ import annotations

import pytest

from engine.bpmn import BpmnValidationError, Problem, validate_bpmn
from tests.engine.bpmn.test_validation import HEADER, diagram, process_xml

XHTML = 'xmlns:html="http://www.w3.org/1999/xhtml"'
SVG = 'xmlns:svg="http://www.w3.org/2000/svg"'
XI = 'xmlns:xi="http://www.w3.org/2001/XInclude"'


def _with_namespaces(data: bytes, *declarations: str) -> bytes:
    return data.replace(b"<bpmn:definitions ", f"<bpmn:definitions {' '.join(declarations)} ".encode(), 1)


def _problems(data: bytes) -> list[Problem]:
    with pytest.raises(BpmnValidationError) as refused:
        validate_bpmn(data)
    return refused.value.problems


@pytest.mark.parametrize("body, namespaces, message", [
    ('<bpmn:documentation><html:script>alert(1)</html:script></bpmn:documentation>', (XHTML,),
     "a script element in the namespace http://www.w3.org/1999/xhtml is not allowed"),
    ('<bpmn:documentation><html:p>Læs <html:b>dette</html:b></html:p></bpmn:documentation>', (XHTML,),
     "the element p in the namespace http://www.w3.org/1999/xhtml is not allowed"),
    ('<bpmn:extensionElements><svg:svg onload="alert(1)"/></bpmn:extensionElements>', (SVG,),
     "the element svg in the namespace http://www.w3.org/2000/svg is not allowed"),
    ('<bpmn:extensionElements><xi:include href="/etc/passwd" parse="text"/></bpmn:extensionElements>', (XI,),
     "XInclude (include) is not allowed"),
    ('<bpmn:extensionElements><script>alert(1)</script></bpmn:extensionElements>', (),
     "a script element in the namespace (none) is not allowed"),
])
def test_foreign_elements_are_refused_on_the_element_that_holds_them(body, namespaces, message):
    data = _with_namespaces(diagram(task_body=body), *namespaces)
    [problem] = [p for p in _problems(data) if "not allowed" in p.message]  # nested markup: one problem
    assert (problem.element_id, problem.element_name) == ("Task_Review", "Review case")
    assert problem.message.startswith(message)


def test_event_handler_attributes_are_refused_on_any_element():
    data = diagram(task_attrs='camunda:formKey="f" onclick="alert(1)"')
    assert Problem("Task_Review", "Review case", "the event-handler attribute onclick is not allowed") in _problems(
        data)
    shape = _with_namespaces(diagram(task_attrs='camunda:formKey="f" xlink:href="javascript:alert(1)"'),
                             'xmlns:xlink="http://www.w3.org/1999/xlink"')
    assert any("the attribute href in the namespace http://www.w3.org/1999/xlink" in p.message
               for p in _problems(shape))


def test_a_stylesheet_processing_instruction_is_refused():
    data = diagram().replace(b"?>\n", b'?>\n<?xml-stylesheet type="text/xsl" href="data:,x"?>\n', 1)
    assert any("processing instructions" in p.message and "line 2" in p.message for p in _problems(data))


def test_foreign_markup_directly_under_definitions_names_the_definitions():
    data = diagram(root_extra='<svg:svg xmlns:svg="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    [problem] = [p for p in _problems(data) if "not allowed" in p.message]
    assert problem.element_id == "Definitions_1"


def test_modeler_markup_still_deploys():
    colours = ('xmlns:bioc="http://bpmn.io/schema/bpmn/biocolor/1.0" '
               'xmlns:color="http://www.omg.org/spec/BPMN/non-normative/color/1.0" '
               'xmlns:modeler="http://camunda.org/schema/modeler/1.0" '
               'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"')
    body = ('<bpmn:documentation>Vurdér &lt;b&gt; som tekst</bpmn:documentation>'
            '<bpmn:extensionElements><camunda:properties><camunda:property name="action_card" value="Ring"/>'
            '</camunda:properties><spiffworkflow:instructionsForEndUser>Hej</spiffworkflow:instructionsForEndUser>'
            '</bpmn:extensionElements>')
    process = process_xml(task_body=body).replace('name="Review case"', 'name="Review case" bioc:stroke="#000"')
    header = HEADER.replace("<bpmn:definitions ", f'<bpmn:definitions {colours} modeler:executionPlatform="C7" ')
    data = header + process + "\n<!-- a comment -->\n</bpmn:definitions>\n"
    assert validate_bpmn(data.encode()).process_ids == ["Case_1"]
