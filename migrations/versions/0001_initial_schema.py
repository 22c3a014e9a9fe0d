"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-21 20:58:35.259689
"""

from alembic import op
import sqlalchemy as sa
import engine.db
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_sequences',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_case_sequences'))
    )
    op.create_table('groups',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_groups')),
    sa.UniqueConstraint('key', name=op.f('uq_groups_key'))
    )
    op.create_table('lane_groups',
    sa.Column('lane_name', sa.String(length=255), nullable=False),
    sa.Column('group_key', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('lane_name', name=op.f('pk_lane_groups'))
    )
    op.create_table('users',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', engine.db.UtcDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('api_tokens',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('revoked_at', engine.db.UtcDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('process_versions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('bpmn_xml', sa.LargeBinary(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('dependencies', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('deployed_by_id', sa.Uuid(), nullable=True),
    sa.Column('deployed_by', sa.String(length=64), nullable=False),
    sa.Column('deployed_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['deployed_by_id'], ['users.id'], name=op.f('fk_process_versions_deployed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_versions')),
    sa.UniqueConstraint('key', 'version', name='uq_process_versions_key_version')
    )
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.create_index('ix_process_versions_key_sha256', ['key', 'sha256'], unique=False)

    op.create_table('user_groups',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('group_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_user_groups_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_groups_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'group_id', name=op.f('pk_user_groups'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=20), nullable=False),
    sa.Column('process_version_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opened_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('closed_at', engine.db.UtcDateTime(), nullable=True),
    sa.Column('updated_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('opened_by_id', sa.Uuid(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_cases_opened_by_id_users')),
    sa.ForeignKeyConstraint(['process_version_id'], ['process_versions.id'], name=op.f('fk_cases_process_version_id_process_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('reference', name=op.f('uq_cases_reference'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_process_version_id'), ['process_version_id'], unique=False)
        batch_op.create_index('ix_cases_status_opened_at', ['status', 'opened_at'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_case_id_at', ['case_id', 'at'], unique=False)

    op.create_table('case_states',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('serializer_version', sa.String(length=16), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('saved_at', engine.db.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_states_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_states'))
    )
    op.create_table('tasks',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('process_version_id', sa.Uuid(), nullable=False),
    sa.Column('bpmn_id', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('lane', sa.String(length=255), nullable=True),
    sa.Column('candidate_group', sa.String(length=64), nullable=True),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('due_at', engine.db.UtcDateTime(), nullable=True),
    sa.Column('form_key', sa.String(length=255), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('ended_at', engine.db.UtcDateTime(), nullable=True),
    sa.Column('ended_by_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_tasks_assignee_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_tasks_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ended_by_id'], ['users.id'], name=op.f('fk_tasks_ended_by_id_users')),
    sa.ForeignKeyConstraint(['process_version_id'], ['process_versions.id'], name=op.f('fk_tasks_process_version_id_process_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_case_id_state', ['case_id', 'state'], unique=False)
        batch_op.create_index('ix_tasks_state_assignee_id_due_at', ['state', 'assignee_id', 'due_at'], unique=False)
        batch_op.create_index('ix_tasks_state_candidate_group_due_at', ['state', 'candidate_group', 'due_at'], unique=False)
    lane_groups = sa.table("lane_groups", sa.column("lane_name", sa.String), sa.column("group_key", sa.String))
    op.bulk_insert(lane_groups, [
        {"lane_name": name, "group_key": key}
        for name, key in [
            ("Modtagerteam", "modtagerteam"),
            ("Teamleder", "teamleder"),
            ("Rådgiver (børn)", "raadgiver-boern"),
            ("Rådgiver (voksen)", "raadgiver-voksen"),
            ("Rådgiver", "raadgiver-boern"),
            ("Vidensperson", "vidensperson"),
            ("Administrator", "admin"),
        ]
    ])


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_state_candidate_group_due_at')
        batch_op.drop_index('ix_tasks_state_assignee_id_due_at')
        batch_op.drop_index('ix_tasks_case_id_state')

    op.drop_table('tasks')
    op.drop_table('case_states')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_case_id_at')

    op.drop_table('case_events')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_status_opened_at')
        batch_op.drop_index(batch_op.f('ix_cases_process_version_id'))

    op.drop_table('cases')
    op.drop_table('user_groups')
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_process_versions_key_sha256')

    op.drop_table('process_versions')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    op.drop_table('users')
    op.drop_table('lane_groups')
    op.drop_table('groups')
    op.drop_table('case_sequences')
