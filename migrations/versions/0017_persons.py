"""people register, case persons and person links (issue 13)

persons: citizens and family members; the CPR number only encrypted (cpr_encrypted) with a keyed
hash to match on (cpr_hash, unique); every person has a pseudonym. case_persons: a person's part in
a case (one subject per case: a partial unique index). person_access_log: look-ups by CPR number,
reads and changes of a person (engine/persons/).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'persons',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('pseudonym', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('cpr_encrypted', sa.LargeBinary(), nullable=True),
        sa.Column('cpr_hash', sa.String(length=64), nullable=True),
        sa.Column('date_of_birth', sa.Date(), nullable=True),
        sa.Column('protected_address', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('preferred_language', sa.String(length=64), nullable=True),
        sa.Column('interpreter_needed', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('contact', sa.Text(), nullable=True),
        sa.Column('created_at', engine.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', engine.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_persons_created_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_persons')),
        sa.UniqueConstraint('pseudonym', name=op.f('uq_persons_pseudonym')),
        sa.UniqueConstraint('cpr_hash', name=op.f('uq_persons_cpr_hash')),
    )
    op.create_table(
        'case_persons',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('case_id', sa.Uuid(), nullable=False),
        sa.Column('person_id', sa.Uuid(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('relation', sa.String(length=16), nullable=False),
        sa.Column('threat', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('added_at', engine.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('added_by', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_persons_case_id_cases'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_case_persons_person_id_persons'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_persons')),
        sa.UniqueConstraint('case_id', 'person_id', name='uq_case_persons_case_id_person_id'),
    )
    with op.batch_alter_table('case_persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_persons_person_id'), ['person_id'], unique=False)
        batch_op.create_index('uq_case_persons_one_subject', ['case_id'], unique=True,
                              sqlite_where=sa.text("role = 'subject'"), postgresql_where=sa.text("role = 'subject'"))
    op.create_table(
        'person_access_log',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('at', engine.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('person_id', sa.Uuid(), nullable=True),
        sa.Column('cpr_hash', sa.String(length=64), nullable=True),
        sa.Column('case_id', sa.Uuid(), nullable=True),
        sa.Column('user_id', sa.Uuid(), nullable=True),
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('purpose', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_person_access_log_person_id_persons'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_person_access_log_case_id_cases'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_person_access_log_user_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_person_access_log')),
    )
    with op.batch_alter_table('person_access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_access_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_access_log_cpr_hash'), ['cpr_hash'], unique=False)
        batch_op.create_index('ix_person_access_log_person_id_at', ['person_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_table('person_access_log')
    with op.batch_alter_table('case_persons', schema=None) as batch_op:
        batch_op.drop_index('uq_case_persons_one_subject')
        batch_op.drop_index(batch_op.f('ix_case_persons_person_id'))
    op.drop_table('case_persons')
    op.drop_table('persons')
