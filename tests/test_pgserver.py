"""The throwaway PostgreSQL helper used by the database tests."""

from __future__ import annotations

import psycopg
import pytest

from tests import pgserver

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def server_url() -> str:
    url = pgserver.postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL available (install postgresql or set CASEPATH_TEST_DATABASE_URL)")
    return url


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_server_answers(server_url: str) -> None:
    assert server_url.startswith("postgresql+psycopg://")
    assert pgserver.postgres_url() == server_url  # one server per session
    with psycopg.connect(_libpq(server_url)) as conn:
        assert conn.execute("select 1").fetchone() == (1,)


def test_create_and_drop_database(server_url: str) -> None:
    name = "casepath_pgserver_selftest"
    url = pgserver.create_database(server_url, name)
    try:
        with psycopg.connect(_libpq(url), autocommit=True) as conn:
            assert conn.execute("select current_database()").fetchone() == (name,)
            conn.execute("create table t (x text)")
        # Re-creating gives an empty database even while a session is still connected.
        lingering = psycopg.connect(_libpq(url))
        url = pgserver.create_database(server_url, name)
        lingering.close()
        with psycopg.connect(_libpq(url)) as conn:
            assert conn.execute("select to_regclass('t')").fetchone() == (None,)
    finally:
        pgserver.drop_database(server_url, name)
    with psycopg.connect(_libpq(server_url)) as conn:
        row = conn.execute("select count(*) from pg_database where datname = %s", (name,)).fetchone()
    assert row == (0,)


def test_rejects_unsafe_database_names() -> None:
    with pytest.raises(ValueError):
        pgserver.create_database("postgresql+psycopg://nobody@127.0.0.1:1/postgres", 'x"; drop')
