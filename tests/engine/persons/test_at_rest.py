"""CPR numbers at rest: a database dump alone reveals none (SQLite file bytes, a PostgreSQL pg_dump)."""

from __future__ import annotations

import subprocess
from datetime import datetime

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select

from engine.db import make_session_factory
from engine.persons import service
from engine.persons.crypto import DataKeys, configure, keys
from engine.persons.models import Person
from tests import pgserver
from tests.conftest import create_database

NOW = datetime.fromisoformat("2026-12-01T10:00:00+01:00")
NUMBERS = ["0102034234", "150590-2468", "311299-9876"]


def _forms(number: str) -> list[bytes]:
    digits = number.replace("-", "")
    return [digits.encode(), f"{digits[:6]}-{digits[6:]}".encode(), digits.encode("utf-16-le")]


def _register(db) -> None:
    with make_session_factory(db.engine)() as session:
        for number in NUMBERS:
            service.create_person(session, None, {"name": "Navn", "cpr": number}, NOW)
        service.lookup(session, "240101-4321", "Tjek", None, NOW)  # a miss is logged by its keyed hash
        assert service.find_by_cpr(session, NUMBERS[1]).cpr == "150590-2468"  # and still readable


def _assert_no_number_in(dump: bytes) -> None:
    assert b"Navn" in dump  # the dump holds the rows
    for number in [*NUMBERS, "240101-4321"]:
        for form in _forms(number):
            assert form not in dump, number


def test_the_sqlite_file_holds_no_cpr_number(tmp_path):
    db = create_database("sqlite", tmp_path, "at_rest")
    _register(db)
    db.engine.dispose()  # the last connection closing checkpoints the WAL; any -wal file left is read too
    _assert_no_number_in(b"".join(path.read_bytes() for path in tmp_path.glob("at_rest.db*")))


@pytest.mark.postgres
def test_a_postgresql_dump_holds_no_cpr_number(throwaway_postgres):
    _register(throwaway_postgres)
    bindir = pgserver._bindir()
    url = throwaway_postgres.url.replace("postgresql+psycopg://", "postgresql://")
    dump = subprocess.run(pgserver._as_owner([str(bindir / "pg_dump"), "--data-only", url]),
                          capture_output=True, check=True, timeout=60).stdout
    assert b"COPY public.persons" in dump
    _assert_no_number_in(dump)


def test_another_key_reads_nothing_and_matches_nothing(db_session):
    person = service.create_person(db_session, None, {"cpr": "0102034234"}, NOW)
    stolen = db_session.scalar(select(Person.cpr_encrypted).where(Person.id == person.id))
    other = DataKeys("someone-elses-key-of-at-least-32-bytes")
    with pytest.raises(InvalidTag):
        other.decrypt(stolen)
    assert other.match_hash("0102034234") != keys().match_hash("0102034234")
    assert keys().encrypt("0102034234") != keys().encrypt("0102034234")  # a fresh nonce each time
    configure("casepath-development-only-data-key-not-secret")


def test_production_refuses_to_start_without_a_proper_data_key():
    from engine.config import ConfigError, Settings

    base = {"CASEPATH_ENV": "production", "DATABASE_URL": "sqlite://", "SECRET_KEY": "s" * 32}
    for extra, message in (({}, "CASEPATH_DATA_KEY is required"),
                           ({"CASEPATH_DATA_KEY": "d" * 31}, "at least 32 bytes"),
                           ({"CASEPATH_DATA_KEY": "s" * 32}, "must differ from SECRET_KEY")):
        with pytest.raises(ConfigError, match=message):
            Settings.from_env({**base, **extra})
    settings = Settings.from_env({**base, "CASEPATH_DATA_KEY": "d" * 32})
    assert settings.effective_data_key == "d" * 32 and "d" * 32 not in repr(settings)
    assert Settings.from_env({"CASEPATH_ENV": "testing"}).effective_data_key  # development: a public key
