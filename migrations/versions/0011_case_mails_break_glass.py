"""mails about a case: the outbox gets a case_id for break-glass notices to the team leads

Outbox rows were always about a task (or a digest of task notices). A break-glass notice is about
a case: the row names the case (deleted with it) and has no task.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 07:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_mail_outbox_case_id'), ['case_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_mail_outbox_case_id_cases'), 'cases', ['case_id'], ['id'],
                                    ondelete='CASCADE')


def downgrade() -> None:
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_mail_outbox_case_id_cases'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_mail_outbox_case_id'))
        batch_op.drop_column('case_id')
