"""people: cross-department signals and family links (issue 13)

person_signals: a person who is the subject of one case and the subject or involved in another open
case; locked until a consent (other_department) or a legal basis opens it (opened_at, basis).
case_family_links: two cases of one family (a child's case and a parent's adult case).

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def _pair(table: str) -> list:
    return [
        sa.Column('case_a_id', sa.Uuid(), nullable=False),
        sa.Column('case_b_id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['case_a_id'], ['cases.id'], name=op.f(f'fk_{table}_case_a_id_cases'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['case_b_id'], ['cases.id'], name=op.f(f'fk_{table}_case_b_id_cases'),
                                ondelete='CASCADE'),
    ]


def upgrade() -> None:
    op.create_table(
        'person_signals',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('person_id', sa.Uuid(), nullable=False),
        *_pair('person_signals'),
        sa.Column('found_at', engine.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('opened_at', engine.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column('opened_by', sa.String(length=64), nullable=True),
        sa.Column('basis', sa.String(length=16), nullable=True),
        sa.Column('legal_exception', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_person_signals_person_id_persons'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_person_signals')),
        sa.UniqueConstraint('person_id', 'case_a_id', 'case_b_id', name='uq_person_signals_pair'),
    )
    with op.batch_alter_table('person_signals', schema=None) as batch_op:
        for column in ('person_id', 'case_a_id', 'case_b_id'):
            batch_op.create_index(batch_op.f(f'ix_person_signals_{column}'), [column], unique=False)
    op.create_table(
        'case_family_links',
        sa.Column('id', sa.Uuid(), nullable=False),
        *_pair('case_family_links'),
        sa.Column('linked_at', engine.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('linked_by', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_family_links')),
        sa.UniqueConstraint('case_a_id', 'case_b_id', name='uq_case_family_links_pair'),
    )
    with op.batch_alter_table('case_family_links', schema=None) as batch_op:
        for column in ('case_a_id', 'case_b_id'):
            batch_op.create_index(batch_op.f(f'ix_case_family_links_{column}'), [column], unique=False)


def downgrade() -> None:
    op.drop_table('case_family_links')
    op.drop_table('person_signals')
