"""notifications: mail outbox, deadline notices, users' mail preferences

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 21:30:00.000000
"""

from alembic import op
import sqlalchemy as sa
import engine.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deadline_notices',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('due_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('decided_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_deadline_notices_task_id_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_notices')),
    sa.UniqueConstraint('task_id', 'kind', 'due_at', name='uq_deadline_notices_task_kind_due')
    )
    op.create_table('mail_outbox',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=True),
    sa.Column('due_at', engine.db.UtcDateTime(), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('to_addr', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=True),
    sa.Column('body_text', sa.Text(), nullable=True),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('first_failed_at', engine.db.UtcDateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('sent_at', engine.db.UtcDateTime(), nullable=True),
    sa.Column('digest_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_mail_outbox_task_id_tasks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_outbox_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_outbox')),
    sa.UniqueConstraint('message_id', name=op.f('uq_mail_outbox_message_id')),
    sa.UniqueConstraint('task_id', 'kind', 'due_at', 'user_id', name='uq_mail_outbox_task_kind_due_user')
    )
    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_mail_outbox_state_next_attempt_at', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index('ix_mail_outbox_user_id_state', ['user_id', 'state'], unique=False)

    # Server defaults so existing users get the defaults (single mails, digest at 08:00).
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_digest', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('digest_hour', sa.Integer(), server_default=sa.text('8'), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('digest_hour')
        batch_op.drop_column('reminder_digest')

    with op.batch_alter_table('mail_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_outbox_user_id_state')
        batch_op.drop_index('ix_mail_outbox_state_next_attempt_at')

    op.drop_table('mail_outbox')
    op.drop_table('deadline_notices')
