"""deadline rules and timers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 21:07:51.221302
"""

from alembic import op
import sqlalchemy as sa
import engine.db
from sqlalchemy.dialects import postgresql
from datetime import UTC, datetime

# Seeded from the domain brief; paragraph numbers come from secondary sources, so administrators
# can correct them through the API without a new release.
SEED_RULES = [
    ("assessment_24h", "Vurdering af om barnet er i fare (24 timer)", "BL § 136 (tidl. SEL § 155, stk. 2)",
     24, "hours", "Inden 24 timer efter modtagelsen vurderes, om barnet er i fare og der skal handles akut. "
     "Tæller nætter og weekender med og sættes aldrig i bero."),
    ("receipt_6_workdays", "Kvittering til underretter (6 hverdage)", "BL §§ 136-137 (tidl. SEL § 155 b, stk. 1)",
     6, "working_days", "Underretteren skal have bekræftet modtagelsen inden 6 hverdage efter modtagelsen."),
    ("child_investigation_4_months", "Børnefaglig undersøgelse (4 måneder)", "BL § 20, stk. 3 (tidl. SEL § 50, stk. 7)",
     4, "months", "Undersøgelsen afsluttes inden 4 måneder efter, at kommunen får kendskab til, at barnet kan have "
     "behov for støtte. Overskrides fristen, laves en foreløbig vurdering, og undersøgelsen afsluttes hurtigst muligt."),
    ("first_followup_3_months", "Første opfølgning på foranstaltning (3 måneder)", "BL § 95 (tidl. SEL § 70)",
     3, "months", "Første opfølgning senest 3 måneder efter iværksættelsen; derefter efter en plan, rådgiveren "
     "fastsætter og begrunder."),
    ("committee_7_days", "Foreløbig afgørelse til børne- og ungeudvalget (7 dage)", "BL § 143 (tidl. SEL § 75, stk. 3)",
     7, "days", "En foreløbig afgørelse forelægges børne- og ungeudvalget hurtigst muligt og senest 7 dage efter."),
    ("shelter_notice_3_workdays", "Krisecentrets besked om ind- og udskrivning (3 hverdage)", "SEL § 109",
     3, "working_days", "Krisecentret underretter kommunen om ind- og udskrivning inden 3 hverdage. "
     "Anonyme ophold: intet navn eller CPR-nummer."),
]

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deadline_rules',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('law_reference', sa.String(length=255), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('updated_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_deadline_rules'))
    )
    op.create_table('deadline_rule_changes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('rule_key', sa.String(length=64), nullable=False),
    sa.Column('changed_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['rule_key'], ['deadline_rules.key'], name=op.f('fk_deadline_rule_changes_rule_key_deadline_rules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_rule_changes'))
    )
    with op.batch_alter_table('deadline_rule_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_rule_changes_rule_key'), ['rule_key'], unique=False)

    op.create_table('timers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('bpmn_id', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('due_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('rule_key', sa.String(length=64), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('ended_at', engine.db.UtcDateTime(), nullable=True),
    sa.Column('late_seconds', sa.Double(), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_timers_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timers')),
    sa.UniqueConstraint('task_id', 'due_at', name='uq_timers_task_id_due_at')
    )
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.create_index('ix_timers_case_id_state', ['case_id', 'state'], unique=False)
        batch_op.create_index('ix_timers_state_due_at', ['state', 'due_at'], unique=False)

    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_rule', sa.String(length=64), nullable=True))
    rules = sa.table(
        "deadline_rules", sa.column("key", sa.String), sa.column("name", sa.String),
        sa.column("law_reference", sa.String), sa.column("amount", sa.Integer), sa.column("unit", sa.String),
        sa.column("description", sa.Text), sa.column("updated_at", engine.db.UtcDateTime()),
        sa.column("updated_by", sa.String),
    )
    now = datetime.now(UTC)
    op.bulk_insert(rules, [
        dict(zip(("key", "name", "law_reference", "amount", "unit", "description"), row),
             updated_at=now, updated_by="system")
        for row in SEED_RULES
    ])


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('due_rule')

    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_index('ix_timers_state_due_at')
        batch_op.drop_index('ix_timers_case_id_state')

    op.drop_table('timers')
    with op.batch_alter_table('deadline_rule_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_rule_changes_rule_key'))

    op.drop_table('deadline_rule_changes')
    op.drop_table('deadline_rules')
