"""Comparing versions: the order of a lane's members (and of a node's flows) is no change; a member
moved, added or removed is one, wherever in the list it stands."""

from __future__ import annotations

from pathlib import Path

from engine.process_models.versions import diff_versions

V1 = (Path(__file__).resolve().parents[2] / "data" / "review.bpmn").read_bytes()
RECEPTION = (b"<bpmn:flowNodeRef>start</bpmn:flowNodeRef>\n        <bpmn:flowNodeRef>register</bpmn:flowNodeRef>\n"
             b"        <bpmn:flowNodeRef>gw</bpmn:flowNodeRef>\n        <bpmn:flowNodeRef>archive</bpmn:flowNodeRef>\n"
             b"        <bpmn:flowNodeRef>end_archived</bpmn:flowNodeRef>")


def _members(*refs: str) -> bytes:
    return b"".join(b"<bpmn:flowNodeRef>%s</bpmn:flowNodeRef>" % ref.encode() for ref in refs)


def _changed(new: bytes) -> dict[str, list[str]]:
    diff = diff_versions(V1, new)
    assert diff.added == [] and diff.removed == []
    return {change.element_id: change.details for change in diff.changed}


def test_the_fixture_is_what_the_tests_edit():
    assert RECEPTION in V1


def test_reordered_lane_members_are_not_a_change():
    reordered = V1.replace(RECEPTION, _members("end_archived", "archive", "gw", "start", "register"))
    assert reordered != V1
    assert _changed(reordered) == {}


def test_reordered_flows_of_a_node_are_not_a_change():
    flows = b"<bpmn:outgoing>f_large</bpmn:outgoing><bpmn:outgoing>f_small</bpmn:outgoing>"
    assert flows in V1
    swapped = V1.replace(flows, b"<bpmn:outgoing>f_small</bpmn:outgoing><bpmn:outgoing>f_large</bpmn:outgoing>")
    assert _changed(swapped) == {}


def test_a_member_moved_to_another_lane_is_a_change_of_both_lanes():
    moved = (V1.replace(RECEPTION, _members("start", "register", "gw", "end_archived"))
             .replace(b"<bpmn:flowNodeRef>approve</bpmn:flowNodeRef>",
                      b"<bpmn:flowNodeRef>approve</bpmn:flowNodeRef><bpmn:flowNodeRef>archive</bpmn:flowNodeRef>"))
    assert _changed(moved) == {"Lane_reception": ["flowNodeRef"], "Lane_lead": ["flowNodeRef"]}


def test_a_member_removed_from_the_middle_is_a_change():
    # Not the last member: a comparison that kept only the last of repeated children missed this.
    fewer = V1.replace(RECEPTION, _members("start", "gw", "archive", "end_archived"))
    assert _changed(fewer) == {"Lane_reception": ["flowNodeRef"]}
