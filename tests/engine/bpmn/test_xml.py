"""Safe XML loading: no entities, no DTDs, no network, bounded size, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.bpmn import MAX_BPMN_BYTES, BpmnValidationError, parse_xml, validate_bpmn

DTD_MESSAGE = "DTDs and entities are not allowed"
CONFORMANCE = Path(__file__).resolve().parents[3].parent / "shared" / "conformance"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol9;</bpmn:definitions>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">
  <bpmn:process id="P" name="&x;" isExecutable="true"/>
</bpmn:definitions>
"""

MINIMAL = b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D"/>'


def messages(data: object, parse=parse_xml) -> list[str]:
    with pytest.raises(BpmnValidationError) as info:
        parse(data)
    return [p.message for p in info.value.problems]


def test_minimal_document_parses() -> None:
    assert parse_xml(MINIMAL).get("id") == "D"


def test_billion_laughs_is_rejected() -> None:
    assert messages(BILLION_LAUGHS) == [DTD_MESSAGE]


def test_billion_laughs_rejected_by_validate_bpmn_too() -> None:
    assert messages(BILLION_LAUGHS, validate_bpmn) == [DTD_MESSAGE]


def test_external_entity_is_rejected_and_never_read() -> None:
    with pytest.raises(BpmnValidationError) as info:
        validate_bpmn(EXTERNAL_ENTITY)
    assert [p.message for p in info.value.problems] == [DTD_MESSAGE]
    text = str(info.value) + repr(info.value.to_dict())
    assert "root:" not in text
    assert "/bin/" not in text


@pytest.mark.parametrize(
    "doctype",
    [
        b"<!DOCTYPE d>",
        b'<!DOCTYPE d SYSTEM "http://example.invalid/evil.dtd">',
        b'<!DOCTYPE d [<!ENTITY % p SYSTEM "http://example.invalid/p.dtd"> %p;]>',
    ],
)
def test_any_doctype_is_rejected(doctype: bytes) -> None:
    assert messages(b'<?xml version="1.0"?>' + doctype + MINIMAL) == [DTD_MESSAGE]


def test_doctype_in_utf16_document_is_rejected() -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d [<!ENTITY a "b">]><d>&a;</d>'
    data = text.encode("utf-16")
    assert messages(data) == [DTD_MESSAGE]


def test_undeclared_entity_is_malformed() -> None:
    [message] = messages(b"<d>&x;</d>")
    assert "line 1" in message


def test_xinclude_is_not_processed() -> None:
    data = b'<d xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="/etc/passwd" parse="text"/></d>'
    root = parse_xml(data)
    assert root[0].tag == "{http://www.w3.org/2001/XInclude}include"
    assert "root:" not in (root[0].text or "")


def test_size_limit() -> None:
    padding = b" " * (MAX_BPMN_BYTES - len(MINIMAL))
    assert len(MINIMAL + padding) == MAX_BPMN_BYTES
    assert parse_xml(MINIMAL + padding) is not None
    [message] = messages(MINIMAL + padding + b" ")
    assert "larger than 2 MB" in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"this is not xml", "line 1"),
        (b"<a>\n<b>\n</a>", "line 3"),
        (b"\x00\x01\x02", "not well-formed"),
        ("<a/>", "raw bytes"),
        (None, "raw bytes"),
    ],
)
def test_not_xml(data: object, expected: str) -> None:
    [message] = messages(data)
    assert expected in message


def test_iso_8859_1_with_declaration() -> None:
    data = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
        ' name="Sagsbehandling på tværs"/>'
    ).encode("iso-8859-1")
    assert parse_xml(data).get("name") == "Sagsbehandling på tværs"


def test_miwg_b20_iso_8859_1_parses() -> None:
    path = CONFORMANCE / "miwg" / "reference" / "B.2.0.bpmn"
    if not path.exists():
        pytest.skip("conformance corpus not available")
    root = parse_xml(path.read_bytes())
    assert root.tag == "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions"


def test_bytearray_and_memoryview_are_accepted() -> None:
    assert parse_xml(bytearray(MINIMAL)).get("id") == "D"
    assert parse_xml(memoryview(MINIMAL)).get("id") == "D"
