"""sign-in with the identity provider (issue 17)

users.external_issuer/external_subject: who a provider user is at the provider (unique together).
oidc_group_mappings: provider group value -> casepath group, edited by administrators.
oidc_unmapped_values: values the provider sent that no mapping names, for the administrators.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import engine.db

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('external_issuer', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('external_subject', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint('uq_users_external_identity', ['external_issuer', 'external_subject'])
    op.create_table('oidc_group_mappings',
    sa.Column('external_value', sa.String(length=255), nullable=False),
    sa.Column('group_key', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('external_value')
    )
    op.create_table('oidc_unmapped_values',
    sa.Column('external_value', sa.String(length=255), nullable=False),
    sa.Column('first_seen_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('last_seen_at', engine.db.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('external_value')
    )


def downgrade() -> None:
    op.drop_table('oidc_unmapped_values')
    op.drop_table('oidc_group_mappings')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_users_external_identity', type_='unique')
        batch_op.drop_column('external_subject')
        batch_op.drop_column('external_issuer')
