"""case path v2: acute danger, re-assessment, legal bases (issue 14)

Revision ID: 0018
Revises: 0017

The municipal deadline rules the shipped procedure's new steps use (acute action, assignment,
sparring, the § 137 feedback, the early consultant task). None is statutory: they are the
municipality's own settings with sensible defaults, which administrators change at /admin/frister.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

RULES = [
    ("acute_action_hours", "Akut handling ved fare (timer)", "Kommunens beredskabsplan", 4, "hours",
     "Når akut fare er meldt på en sag, skal sagsejeren handle, og sikkerhedskonsulent og politi kontaktes, inden "
     "for dette antal klokketimer. Tæller nætter og weekender med."),
    ("case_assignment_workdays", "Fordeling af sagen til en rådgiver", "Kommunens egen frist", 2, "working_days",
     "Teamlederen fordeler sagen senest dette antal hverdage efter, at den er sendt videre."),
    ("knowledge_sparring_workdays", "Sparring med vidensperson", "Kommunens egen frist", 3, "working_days",
     "Sparringen holdes senest dette antal hverdage efter, at den er bedt om; den må aldrig forsinke akut handling."),
    ("notifier_feedback_workdays", "Tilbagemelding til professionel underretter", "BL § 137 (tidl. SEL § 155 b, "
     "stk. 2); fristen er kommunens egen", 10, "working_days",
     "Den professionelle underretter får besked om, hvorvidt en undersøgelse eller støtte er iværksat, senest dette "
     "antal hverdage efter beslutningen."),
    ("consultant_contact_workdays", "Kontakt til sikkerhedskonsulenten", "Kommunens egen frist", 1, "working_days",
     "Når der er tegn på fare, eller videnspersonen anbefaler det, kontaktes sikkerhedskonsulenten senest dette "
     "antal hverdage efter."),
]


def upgrade() -> None:
    rules = sa.table(
        "deadline_rules", sa.column("key", sa.String), sa.column("name", sa.String),
        sa.column("law_reference", sa.String), sa.column("amount", sa.Integer), sa.column("unit", sa.String),
        sa.column("description", sa.Text), sa.column("updated_at", engine.db.UtcDateTime()),
        sa.column("updated_by", sa.String),
    )
    now = datetime.now(UTC)
    columns = ("key", "name", "law_reference", "amount", "unit", "description")
    op.bulk_insert(rules, [dict(zip(columns, row, strict=True), updated_at=now, updated_by="system") for row in RULES])


def downgrade() -> None:
    keys = [row[0] for row in RULES]
    changes = sa.table("deadline_rule_changes", sa.column("rule_key", sa.String))
    op.execute(changes.delete().where(changes.c.rule_key.in_(keys)))
    rules = sa.table("deadline_rules", sa.column("key", sa.String))
    op.execute(rules.delete().where(rules.c.key.in_(keys)))
