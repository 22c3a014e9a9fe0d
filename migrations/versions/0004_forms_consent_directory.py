"""forms consent directory

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-21 21:13:48.037316
"""

from alembic import op
import sqlalchemy as sa
import engine.db
from sqlalchemy.dialects import postgresql
import uuid

# The maintained list of legal bases for sharing without consent (administrators extend it).
LEGAL_EXCEPTIONS = [
    ("duty_to_notify_child", "Underretningspligt om børn", "Barnets lov (tidl. SEL § 153)"),
    ("early_preventive_cooperation", "Tidligt forebyggende samarbejde om børn", "Tidl. SEL § 49 a"),
    ("danger_to_life_or_health", "Fare for liv eller helbred (akut)", "Forvaltningsloven § 28, stk. 2"),
    ("ssp_police_cooperation", "SSP-samarbejde med politiet", "Retsplejeloven § 115"),
    ("childrens_house", "Børnehuset", "Barnets lov § 126"),
]

# Reference data from the domain brief (as published by SIRI); e-mail addresses are placeholders.
SECURITY_CONSULTANTS = [
    ("Midtjylland", "Bettina", "41 87 20 49"), ("Midtjylland", "Heidi", "41 87 26 18"),
    ("Midtjylland", "Mette", "41 87 44 64"), ("Syddanmark", "Rolf", "21 69 24 62"),
    ("Hovedstaden", "Maria", "51 36 83 54"), ("Sjælland", "Natalie", "30 71 32 82"),
    ("Nordjylland", "Fiolla", "25 20 28 49 / 99 31 28 49"),
]
NATIONAL = [
    ("red", "RED Rådgivning / Etnisk Ung", "Landsorganisation af Kvindekrisecentre (LOKK)", "70 27 76 86",
     "Rådgivningslinje hverdage kl. 9-15. Risikovurderinger og skjult bolig (RED Safehouse) til unge."),
    ("viso", "VISO", "Socialstyrelsen", "", "Gratis specialrådgivning i enkeltsager."),
    ("siri_travelling_team", "SIRI's rejsehold", "Styrelsen for International Rekruttering og Integration", "",
     "Rådgivning af kommuner i konkrete sager om æresrelaterede konflikter."),
    ("police", "Politiet (ikke akut)", "Politiet", "114",
     "Ved akut fare: 112. Kommunen tilføjer sin faste kontaktperson i politikredsen."),
    ("shelter", "Krisecenter (kommunens aftale)", "", "",
     "Kommunen tilføjer sine krisecentre (§ 109 og § 110). Anonyme ophold: intet navn eller CPR-nummer."),
]

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('directory_entries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('region', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('organisation', sa.String(length=255), nullable=False),
    sa.Column('phone', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_entries'))
    )
    with op.batch_alter_table('directory_entries', schema=None) as batch_op:
        batch_op.create_index('ix_directory_entries_kind_region', ['kind', 'region'], unique=False)

    op.create_table('form_versions',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('schema', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('deployed_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('deployed_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_versions')),
    sa.UniqueConstraint('key', 'version', name='uq_form_versions_key_version')
    )
    op.create_table('legal_exceptions',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('law_reference', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_legal_exceptions'))
    )
    op.create_table('consents',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('given_by', sa.String(length=16), nullable=False),
    sa.Column('recipient_kind', sa.String(length=32), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('given_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('withdrawn_at', engine.db.UtcDateTime(), nullable=True),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('recorded_at', engine.db.UtcDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_consents_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index('ix_consents_case_id_recipient_kind', ['case_id', 'recipient_kind'], unique=False)

    op.create_table('safe_contacts',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('ask_if_alone', sa.Boolean(), nullable=False),
    sa.Column('no_letters_home', sa.Boolean(), nullable=False),
    sa.Column('no_voicemail', sa.Boolean(), nullable=False),
    sa.Column('interpreter_phone_only', sa.Boolean(), nullable=False),
    sa.Column('interpreter_not_same_community', sa.Boolean(), nullable=False),
    sa.Column('updated_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_safe_contacts_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_safe_contacts'))
    )
    op.create_table('disclosures',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('task_id', sa.Uuid(), nullable=True),
    sa.Column('recipient_kind', sa.String(length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('consent_id', sa.Uuid(), nullable=True),
    sa.Column('legal_exception', sa.String(length=64), nullable=True),
    sa.Column('justification', sa.Text(), nullable=True),
    sa.Column('disclosed_at', engine.db.UtcDateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_disclosures_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_disclosures_consent_id_consents')),
    sa.ForeignKeyConstraint(['legal_exception'], ['legal_exceptions.key'], name=op.f('fk_disclosures_legal_exception_legal_exceptions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosures'))
    )
    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.create_index('ix_disclosures_case_id_disclosed_at', ['case_id', 'disclosed_at'], unique=False)

    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forms', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False, server_default=sa.text("'{}'")))
    exceptions = sa.table("legal_exceptions", sa.column("key", sa.String), sa.column("name", sa.String),
                          sa.column("law_reference", sa.String), sa.column("active", sa.Boolean))
    op.bulk_insert(exceptions, [dict(key=k, name=n, law_reference=r, active=True) for k, n, r in LEGAL_EXCEPTIONS])
    entries = sa.table(
        "directory_entries", sa.column("id", sa.Uuid), sa.column("kind", sa.String), sa.column("region", sa.String),
        sa.column("name", sa.String), sa.column("organisation", sa.String), sa.column("phone", sa.String),
        sa.column("email", sa.String), sa.column("notes", sa.Text), sa.column("active", sa.Boolean),
    )
    rows = [dict(id=uuid.uuid4(), kind="security_consultant", region=region, name=name,
                 organisation="Det nationale team af sikkerhedskonsulenter", phone=phone,
                 email=f"{name.lower()}@sikkerhedskonsulent.example", notes="Gratis for kommunerne.", active=True)
            for region, name, phone in SECURITY_CONSULTANTS]
    rows += [dict(id=uuid.uuid4(), kind=kind, region="", name=name, organisation=org, phone=phone, email="",
                  notes=notes, active=True) for kind, name, org, phone, notes in NATIONAL]
    op.bulk_insert(entries, rows)


def downgrade() -> None:
    with op.batch_alter_table('process_versions', schema=None) as batch_op:
        batch_op.drop_column('forms')

    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.drop_index('ix_disclosures_case_id_disclosed_at')

    op.drop_table('disclosures')
    op.drop_table('safe_contacts')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index('ix_consents_case_id_recipient_kind')

    op.drop_table('consents')
    op.drop_table('legal_exceptions')
    op.drop_table('form_versions')
    with op.batch_alter_table('directory_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_directory_entries_kind_region')

    op.drop_table('directory_entries')
