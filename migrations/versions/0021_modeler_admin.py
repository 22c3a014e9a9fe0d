"""modeler and administration (issue 18): bounds on statutory deadline rules, a reason with every
rule change, and users who must choose their own password at first sign-in

deadline_rules gets `statutory`, `min_amount`, `max_amount` and `locked_unit`: the bounds a law
sets, which engine.deadlines.rule_guards enforces on every change (municipal rules: no bounds).
They are data, seeded here for the statutory rules of 0002, and not editable through the API.
deadline_rule_changes gets `reason`; users get `must_change_password` (a one-time password given
by an administrator on /admin/brugere).

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

# (key, min, max, unit): the law's deadline is the most a municipality may allow itself; a shorter
# one is its own business. The unit is the law's way of counting, so it never changes.
#   assessment_24h: BL § 136, 24 clock hours, nights and weekends included.
#   receipt_6_workdays: BL §§ 136-137, receipt within 6 working days.
#   child_investigation_4_months: BL § 20, stk. 3, within 4 months.
#   first_followup_3_months: BL § 95, first follow-up at most 3 months after the measure started.
#   committee_7_days: BL § 143, to the committee at most 7 days after the emergency decision.
#   shelter_notice_3_workdays: SEL § 109, the shelter informs within 3 working days.
STATUTORY_BOUNDS = [
    ("assessment_24h", 1, 24, "hours"),
    ("receipt_6_workdays", 1, 6, "working_days"),
    ("child_investigation_4_months", 1, 4, "months"),
    ("first_followup_3_months", 1, 3, "months"),
    ("committee_7_days", 1, 7, "days"),
    ("shelter_notice_3_workdays", 1, 3, "working_days"),
]


def upgrade() -> None:
    with op.batch_alter_table('deadline_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statutory', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('min_amount', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('max_amount', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('locked_unit', sa.String(length=16), nullable=True))
    with op.batch_alter_table('deadline_rule_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    update = sa.text("UPDATE deadline_rules SET statutory = :yes, min_amount = :low, max_amount = :high, "
                     "locked_unit = :unit WHERE key = :key")
    for key, low, high, unit in STATUTORY_BOUNDS:
        # Not clamped: a rule an administrator already stretched stays as it is, is marked on
        # /admin/frister, and its next change must bring it back within the law's bounds.
        op.execute(update.bindparams(yes=True, low=low, high=high, key=key, unit=unit))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
    with op.batch_alter_table('deadline_rule_changes', schema=None) as batch_op:
        batch_op.drop_column('reason')
    with op.batch_alter_table('deadline_rules', schema=None) as batch_op:
        batch_op.drop_column('locked_unit')
        batch_op.drop_column('max_amount')
        batch_op.drop_column('min_amount')
        batch_op.drop_column('statutory')
