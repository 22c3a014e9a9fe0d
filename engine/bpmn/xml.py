"""Safe XML loading for uploaded BPMN documents.

Uploads come from anyone with a team-lead account, so the XML layer must not
expand entities, read local files, touch the network or build huge trees.
"""

from __future__ import annotations

from xml.parsers import expat

from lxml import etree

from .problems import BpmnValidationError, Problem

MAX_BPMN_BYTES = 2 * 1024 * 1024
DTD_MESSAGE = "DTDs and entities are not allowed"


class _DtdFound(Exception):
    """Raised inside the expat pre-scan when a DOCTYPE or entity declaration appears."""


class _PrologDone(Exception):
    """Raised inside the expat pre-scan at the root start tag: nothing more to inspect."""


def _fail(message: str) -> BpmnValidationError:
    return BpmnValidationError([Problem(None, None, message)])


def _prolog_declares_dtd(data: bytes) -> bool:
    """Scan only the prolog with expat and report whether it declares a DTD or entities.

    A DOCTYPE can only appear before the root element, so we stop at the first
    start tag; a billion-laughs document is rejected before any entity is read.
    """
    scanner = expat.ParserCreate()

    def on_doctype(*_: object) -> None:
        raise _DtdFound

    def on_start(*_: object) -> None:
        raise _PrologDone

    scanner.StartDoctypeDeclHandler = on_doctype
    scanner.EntityDeclHandler = on_doctype
    scanner.StartElementHandler = on_start
    try:
        scanner.Parse(data, True)
    except _DtdFound:
        return True
    except (_PrologDone, expat.ExpatError, ValueError, LookupError):
        # Malformed input is reported by lxml below, with a better message.
        return False
    return False


def _safe_parser(remove_pis: bool = True) -> etree.XMLParser:
    # A fresh parser per call: lxml parsers are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
        remove_pis=remove_pis,
    )


def parse_xml(data: bytes) -> etree._Element:
    """Parse an uploaded document safely and return its root element.

    Raises BpmnValidationError when the upload is too large, not bytes, not
    well-formed XML (the message names the line), or declares a DTD/entities.
    """
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise _fail("the upload must be the raw bytes of a BPMN file")
    if len(data) > MAX_BPMN_BYTES:
        raise _fail(f"the file is larger than {MAX_BPMN_BYTES // (1024 * 1024)} MB")
    if not data.strip():
        raise _fail("the file is empty")
    if _prolog_declares_dtd(data):
        raise _fail(DTD_MESSAGE)
    try:
        root = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno is not None else "?"
        detail = (exc.msg or str(exc)).split(", line ")[0]
        raise _fail(f"the file is not well-formed XML (line {line}): {detail}") from None
    except (etree.LxmlError, ValueError, LookupError) as exc:
        raise _fail(f"the file is not well-formed XML: {exc}") from None
    if root is None:
        raise _fail("the file is not well-formed XML: no root element")
    docinfo = root.getroottree().docinfo
    # Defence in depth: the expat pre-scan may have given up on an odd encoding.
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _fail(DTD_MESSAGE)
    return root


def processing_instruction_lines(data: bytes) -> list[int]:
    """Lines of the processing instructions (`<?xml-stylesheet ...?>` and the like) in `data`.

    `parse_xml` drops them, but the upload is stored and served as it came, and a browser applies
    an `xml-stylesheet` instruction: deploy refuses them (markup_checks). Call it only on data
    `parse_xml` accepted, so no DTD or entity is read here either.
    """
    try:
        root = etree.fromstring(data, _safe_parser(remove_pis=False))
    except (etree.LxmlError, ValueError, LookupError):
        return []  # parse_xml already reported what is wrong with it
    tree = root.getroottree()
    found = [*root.itersiblings(preceding=True), *root.itersiblings(), *tree.iter(etree.PI)]
    return sorted({node.sourceline or 0 for node in found if node.tag is etree.PI})
