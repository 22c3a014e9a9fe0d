"""Indexes the reports read on (migration 0019), declared here so the report queries and their
indexes are read together; they attach to the tables' metadata when engine.models imports this."""

from __future__ import annotations

from sqlalchemy import Index

from engine.cases.models import Case, CaseEvent
from engine.tasks.models import Task

TASKS, CASES, EVENTS = Task.__table__, Case.__table__, CaseEvent.__table__

# Deadlines that fell in a period, with what the outcome needs, read from the index alone.
DEADLINES = Index("ix_tasks_due_at_report", TASKS.c.due_at, TASKS.c.due_rule, TASKS.c.state, TASKS.c.ended_at,
                  TASKS.c.process_version_id, TASKS.c.candidate_group)
# Milestones (first conversation, consultant, measure): completed tasks of given elements per case.
MILESTONES = Index("ix_tasks_bpmn_id_state", TASKS.c.bpmn_id, TASKS.c.state, TASKS.c.case_id, TASKS.c.ended_at)
# The heatmap: open tasks per element of a process version, with how long they have waited.
WAITING = Index("ix_tasks_state_version_bpmn_id", TASKS.c.state, TASKS.c.process_version_id, TASKS.c.bpmn_id,
                TASKS.c.created_at)
# A team's cases: those with a task of its group.
TEAM = Index("ix_tasks_candidate_group_case_id", TASKS.c.candidate_group, TASKS.c.case_id)
# New cases in a period by referral source.
OPENED = Index("ix_cases_opened_at_source", CASES.c.opened_at, CASES.c.referral_source, CASES.c.process_version_id)
# The first assignment of each case (owner_set events).
EVENT_KINDS = Index("ix_case_events_kind_case_id_at", EVENTS.c.kind, EVENTS.c.case_id, EVENTS.c.at)
# The cases of a period joined to their milestones by id, read from the index alone.
COHORT = Index("ix_cases_id_opened_at_referred_at", CASES.c.id, CASES.c.opened_at, CASES.c.referred_at,
               CASES.c.process_version_id)
