"""validate_upload (deploy's check without storing), drafts and the process overview (both databases)."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import func, select

from engine.bpmn import BpmnValidationError
from engine.cases.service import open_case
from engine.errors import InvalidInput, NotFound, PermissionDenied
from engine.forms.models import FormVersion
from engine.process_models import drafts
from engine.process_models.models import ProcessDraft, ProcessVersion
from engine.process_models.overview import open_cases, process_detail, process_overview
from engine.process_models.service import NEW_FORM, deploy, latest_version, validate_upload
from engine.users.service import create_user

DATA = Path(__file__).resolve().parents[2] / "data"
REVIEW = (DATA / "review.bpmn").read_bytes()
SHARING = (DATA / "sharing.bpmn").read_bytes()
FORM = json.loads((DATA / "forms" / "politi.form").read_text())


@pytest.fixture
def lead(db_session):
    return create_user(db_session, "lead", "lead@example.invalid", ["teamleder", "modtagerteam"])


@pytest.fixture
def worker(db_session):
    return create_user(db_session, "worker", "worker@example.invalid", ["raadgiver-boern"])


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_validate_upload_stores_nothing(db_session, lead):
    check = validate_upload(db_session, SHARING, actor=lead, forms={"politi": json.dumps(FORM).encode()})
    assert check.problems == [] and check.pinned == {"politi": NEW_FORM}
    assert check.validated is not None and check.validated.process_ids == ["sharing"]
    assert _count(db_session, FormVersion) == 0 and _count(db_session, ProcessVersion) == 0
    missing = validate_upload(db_session, SHARING, actor=lead)
    assert {p.element_id for p in missing.problems} == {"police", "police_again"}
    too_big = validate_upload(db_session, REVIEW, actor=lead, max_bytes=10)
    assert "larger than 10 bytes" in too_big.problems[0].message
    garbage = validate_upload(db_session, b"\x00 not xml", actor=lead)
    assert garbage.problems and garbage.validated is None


def test_validate_upload_reports_unknown_rules_like_deploy(db_session, lead):
    bad = REVIEW.replace(b'<bpmn:userTask id="approve" name="Godkend">',
                         b'<bpmn:userTask id="approve" name="Godkend" camunda:dueDate="deadline(\'nope\', x)">')
    check = validate_upload(db_session, bad, actor=lead)
    assert [(p.element_id, p.message) for p in check.problems] == [("approve", "unknown deadline rule 'nope'")]
    with pytest.raises(BpmnValidationError) as refused:
        deploy(db_session, bad, actor=lead)
    assert refused.value.problems == check.problems


def test_validate_upload_needs_a_deployer(db_session, worker):
    with pytest.raises(PermissionDenied):
        validate_upload(db_session, REVIEW, actor=worker)


def test_draft_save_form_check_and_deploy(db_session, lead):
    deploy(db_session, SHARING, actor=lead, forms={"politi": json.dumps(FORM).encode()})
    workspace = drafts.open_workspace(db_session, "sharing", lead)
    assert (workspace.source, workspace.version) == ("version", 1)
    schema, source = drafts.draft_form(db_session, "sharing", "politi", lead)
    assert source == "version" and schema["id"] == "politi"
    changed = dict(FORM, components=[*FORM["components"], {"type": "textfield", "key": "extra", "label": "Ekstra"}])
    draft = drafts.save_form(db_session, "sharing", "politi", changed, lead)
    assert draft.bpmn_xml == SHARING and draft.saved_by == "lead"  # the draft starts from the latest version
    assert drafts.draft_form(db_session, "sharing", "politi", lead)[1] == "draft"
    assert drafts.check_xml(db_session, "sharing", SHARING, lead).problems == []
    deployed = drafts.deploy_draft(db_session, "sharing", lead, comment="nyt felt")
    assert [d.version.version for d in deployed] == [2]
    assert drafts.get_draft(db_session, "sharing") is None
    pinned = db_session.get(FormVersion, UUID(deployed[0].version.forms["politi"]))
    assert pinned.version == 2 and pinned.schema["components"][-1]["key"] == "extra"
    assert db_session.get(FormVersion, UUID(
        latest_version(db_session, "sharing").forms["politi"])).version == 2


def test_a_form_left_untouched_is_deployed_as_the_editor_showed_it(db_session, lead):
    deploy(db_session, SHARING, actor=lead, forms={"politi": json.dumps(FORM).encode()})
    # Another process deploys a newer form under the same key meanwhile.
    other = SHARING.replace(b'id="sharing"', b'id="sharing_other"')
    newer = dict(FORM, components=[*FORM["components"], {"type": "textfield", "key": "other", "label": "Andet"}])
    deploy(db_session, other, actor=lead, forms={"politi": json.dumps(newer).encode()})
    shown, source = drafts.draft_form(db_session, "sharing", "politi", lead)
    assert source == "version" and shown == FORM
    drafts.save_draft(db_session, "sharing", SHARING.replace(b'name="Deling"', b'name="Deling 2"'), lead)
    [deployed] = drafts.deploy_draft(db_session, "sharing", lead, comment="nyt navn")
    pinned = db_session.get(FormVersion, UUID(deployed.version.forms["politi"]))
    assert pinned.schema == FORM  # not the other process's newer form


def test_a_refused_draft_is_kept(db_session, lead):
    deploy(db_session, REVIEW, actor=lead)
    broken = REVIEW.replace(b"amount &gt; 10", b"amount &gt;")
    drafts.save_draft(db_session, "review", broken, lead)
    with pytest.raises(BpmnValidationError):
        drafts.deploy_draft(db_session, "review", lead)
    assert drafts.get_draft(db_session, "review").bpmn_xml == broken
    assert latest_version(db_session, "review").version == 1
    drafts.discard_draft(db_session, "review", lead)
    assert drafts.open_workspace(db_session, "review", lead).source == "version"


def test_drafts_refuse_non_bpmn_bad_keys_and_caseworkers(db_session, lead, worker):
    with pytest.raises(InvalidInput):
        drafts.save_draft(db_session, "review", b"<html/>", lead)
    with pytest.raises(InvalidInput):
        drafts.save_draft(db_session, "no spaces", REVIEW, lead)
    with pytest.raises(InvalidInput):
        drafts.save_draft(db_session, "review", REVIEW, lead, max_bytes=100)
    with pytest.raises(PermissionDenied):
        drafts.save_draft(db_session, "review", REVIEW, worker)
    with pytest.raises(NotFound):
        drafts.open_workspace(db_session, "review", lead)
    with pytest.raises(NotFound):
        drafts.deploy_draft(db_session, "review", lead)
    drafts.save_draft(db_session, "review", REVIEW, lead)
    with pytest.raises(InvalidInput):
        drafts.save_form(db_session, "review", "bad-key", FORM, lead)
    with pytest.raises(InvalidInput):
        drafts.save_form(db_session, "review", "politi", ["not", "a", "form"], lead)
    assert _count(db_session, ProcessDraft) == 1


def test_import_uses_the_first_executable_process(db_session, lead):
    two = REVIEW.replace(b'<bpmn:process id="review"',
                         b'<bpmn:process id="other" isExecutable="false" /><bpmn:process id="review"')
    assert drafts.process_ids(two) == ["review", "other"]
    assert drafts.import_file(db_session, two, lead) == "review"
    assert drafts.open_workspace(db_session, "review", lead).source == "draft"
    with pytest.raises(InvalidInput):
        drafts.import_file(db_session, b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>', lead)


def test_overview_counts_open_cases_per_version(db_session, lead, worker):
    deploy(db_session, REVIEW, actor=lead, comment="første")
    open_case(db_session, "review", {}, lead)
    open_case(db_session, "review", {}, lead)
    deploy(db_session, REVIEW.replace(b'name="Godkend"', b'name="Godkend nu"'), actor=lead)
    drafts.save_draft(db_session, "imported", REVIEW.replace(b'id="review"', b'id="imported"'), lead)
    summaries = {s.key: s for s in process_overview(db_session, lead)}
    review = summaries["review"]
    assert [(row.version.version, row.open_cases) for row in review.versions] == [(2, 0), (1, 2)]
    assert review.latest.version == 2 and review.draft is None
    assert summaries["imported"].versions == [] and summaries["imported"].draft is not None
    first = review.versions[1].version
    assert [len(item.tasks) for item in open_cases(db_session, lead, first)] == [1, 1]
    assert process_detail(db_session, lead, "review").name == "Review"
    with pytest.raises(NotFound):
        process_detail(db_session, lead, "nothing")
    with pytest.raises(PermissionDenied):
        process_overview(db_session, worker)
