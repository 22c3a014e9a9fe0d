"""The schema comes from migrations only, and the models agree with it."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from engine.models import Base, LaneGroup


def test_models_and_migrations_agree(database):
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_every_model_table_exists_after_upgrade(database):
    tables = set(inspect(database.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_lane_group_mapping_is_seeded_data(db_session):
    mapping = dict(db_session.execute(select(LaneGroup.lane_name, LaneGroup.group_key)).all())
    assert mapping["Modtagerteam"] == "modtagerteam"
    assert mapping["Rådgiver (børn)"] == "raadgiver-boern"
    assert mapping["Vidensperson"] == "vidensperson"
