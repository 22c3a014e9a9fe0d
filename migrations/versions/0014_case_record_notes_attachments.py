"""case record: submitted task data, journal notes, attachments

task_submissions keeps what each completed task submitted (the record shows it with the task's own
form); case_notes are append-only journal notes (a correction points at the note it corrects);
case_attachments holds uploaded documents in the database (see engine/cases/record_models.py).

Revision ID: 0014
Revises: 0013
"""

from alembic import op
import sqlalchemy as sa

import engine.db


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('task_submissions',
    sa.Column('task_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('data', engine.db.JsonType, nullable=False),
    sa.Column('submitted_at', engine.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_submissions_task_id_tasks'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_task_submissions_case_id_cases'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', name=op.f('pk_task_submissions'))
    )
    with op.batch_alter_table('task_submissions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_submissions_case_id'), ['case_id'], unique=False)

    op.create_table('case_notes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('at', engine.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=True),
    sa.Column('author', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('corrects_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_notes_author_id_users')),
    sa.ForeignKeyConstraint(['corrects_id'], ['case_notes.id'], name=op.f('fk_case_notes_corrects_id_case_notes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index('ix_case_notes_case_id_at', ['case_id', 'at'], unique=False)

    op.create_table('case_attachments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('at', engine.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by_id', sa.Uuid(), nullable=True),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_attachments_case_id_cases'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_case_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_attachments'))
    )
    with op.batch_alter_table('case_attachments', schema=None) as batch_op:
        batch_op.create_index('ix_case_attachments_case_id_at', ['case_id', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_case_attachments_case_id_at')
    op.drop_table('case_attachments')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_case_notes_case_id_at')
    op.drop_table('case_notes')
    with op.batch_alter_table('task_submissions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_submissions_case_id'))
    op.drop_table('task_submissions')
