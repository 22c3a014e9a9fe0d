"""BPMN loading and deploy-time validation for casepath.

Every upload goes through ``validate_bpmn``; any refusal is a
``BpmnValidationError`` listing problems that name the offending element.
"""

from .parser import CasepathParser, load_specs
from .problems import BpmnValidationError, Problem
from .user_tasks import UserTaskInfo, start_form_key
from .validation import ValidatedBpmn, validate_bpmn
from .xml import MAX_BPMN_BYTES, parse_xml

__all__ = [
    "MAX_BPMN_BYTES",
    "BpmnValidationError",
    "CasepathParser",
    "Problem",
    "UserTaskInfo",
    "ValidatedBpmn",
    "load_specs",
    "parse_xml",
    "start_form_key",
    "validate_bpmn",
]
