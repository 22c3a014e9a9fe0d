"""case search and saved filters

Case lists (GET /api/v1/cases, /sager) filter and sort on what the case row holds, so the risk level,
the acute flag, the next running deadline and the searchable fields' text are denormalised onto
`cases` (engine/cases/summary.py keeps them up to date on every save) and indexed in list order.
Users save named filters of the inbox and the case list (`saved_filters`).

Backfill: `next_due_at` of open cases is computed here from their READY tasks and waiting timers
(plain SQL). Risk level, acute and search text need the workflow's data: each case gets them on its
next save (a completed task, a fired timer, closing), as documented in docs/access.md.

Revision ID: 0015
Revises: 0014
"""

from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# The earliest running deadline: READY tasks' due dates and waiting timers (as the case page's
# "next deadline"); NULL for a case with none.
BACKFILL = """
UPDATE cases SET next_due_at = (
    SELECT min(due.d) FROM (
        SELECT tasks.due_at AS d FROM tasks
        WHERE tasks.case_id = cases.id AND tasks.state = 'READY' AND tasks.due_at IS NOT NULL
        UNION ALL
        SELECT timers.due_at AS d FROM timers WHERE timers.case_id = cases.id AND timers.state = 'WAITING'
    ) AS due)
WHERE cases.status = 'open'
"""


def upgrade() -> None:
    op.add_column('cases', sa.Column('risk_level', sa.String(length=16), nullable=True))
    op.add_column('cases', sa.Column('acute', sa.Boolean(), nullable=True))
    op.add_column('cases', sa.Column('next_due_at', engine.db.UtcDateTime(timezone=True), nullable=True))
    op.add_column('cases', sa.Column('search_text', sa.Text(), nullable=True))
    op.create_index('ix_cases_status_next_due', 'cases',
                    ['status', sa.text('(next_due_at IS NULL)'), 'next_due_at', 'reference'], unique=False)
    op.create_table(
        'saved_filters',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('page', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('query', sa.String(length=500), nullable=False),
        sa.Column('created_at', engine.db.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_saved_filters_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_saved_filters'),
        sa.UniqueConstraint('user_id', 'page', 'name', name='uq_saved_filters_user_id_page_name'),
    )
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_table('saved_filters')
    op.drop_index('ix_cases_status_next_due', table_name='cases')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('search_text')
        batch_op.drop_column('next_due_at')
        batch_op.drop_column('acute')
        batch_op.drop_column('risk_level')
