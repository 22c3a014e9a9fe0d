"""case path v2: adults, shelter, sharing gates, legal bases (issue 14)

Revision ID: 0023
Revises: 0022
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import engine.db

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

# Paragraph numbers come from secondary sources (seed 003, the domain brief): administrators correct
# them through the API; entries are never deleted once disclosures refer to them.
LEGAL_EXCEPTIONS = [
    ("notifier_feedback", "Tilbagemelding til fagperson, der har underrettet",
     "Barnets lov § 137 (tidl. SEL § 155 b, stk. 2)"),
    ("police_child_exchange", "Udveksling med politi og anklagemyndighed om børn og unge (forebyggelse af overgreb)",
     "Tidl. SEL § 49 b (nu barnets lov; verificér paragraffen)"),
]
RULES = [
    ("adult_followup_3_months", "Første opfølgning på indsats for en voksen (3 måneder)",
     "Serviceloven § 148, stk. 2; handleplan efter § 12 a, stk. 2", 3, "months",
     "Kommunen følger løbende op på, om hjælpen virker efter formålet. Første opfølgning senest 3 måneder efter "
     "indsatsens start (kommunens egen frist); derefter efter en plan, rådgiveren fastsætter."),
]


def upgrade() -> None:
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('giver_name', sa.String(length=255), server_default='', nullable=False))
        batch_op.add_column(sa.Column('giver_capacity', sa.String(length=255), server_default='', nullable=False))
    exceptions = sa.table("legal_exceptions", sa.column("key", sa.String), sa.column("name", sa.String),
                          sa.column("law_reference", sa.String), sa.column("active", sa.Boolean))
    op.bulk_insert(exceptions, [dict(key=k, name=n, law_reference=r, active=True) for k, n, r in LEGAL_EXCEPTIONS])
    rules = sa.table(
        "deadline_rules", sa.column("key", sa.String), sa.column("name", sa.String),
        sa.column("law_reference", sa.String), sa.column("amount", sa.Integer), sa.column("unit", sa.String),
        sa.column("description", sa.Text), sa.column("updated_at", engine.db.UtcDateTime()),
        sa.column("updated_by", sa.String),
    )
    now = datetime.now(UTC)
    columns = ("key", "name", "law_reference", "amount", "unit", "description")
    op.bulk_insert(rules, [dict(zip(columns, row, strict=True), updated_at=now, updated_by="system") for row in RULES])


def downgrade() -> None:
    keys = [row[0] for row in RULES]
    op.execute(sa.text("DELETE FROM deadline_rule_changes WHERE rule_key IN :keys")
               .bindparams(sa.bindparam("keys", keys, expanding=True)))
    op.execute(sa.text("DELETE FROM deadline_rules WHERE key IN :keys")
               .bindparams(sa.bindparam("keys", keys, expanding=True)))
    op.execute(sa.text("DELETE FROM legal_exceptions WHERE key IN :keys")
               .bindparams(sa.bindparam("keys", [row[0] for row in LEGAL_EXCEPTIONS], expanding=True)))
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_column('giver_capacity')
        batch_op.drop_column('giver_name')
