"""SQLite: the worker, not a request, copies the write-ahead log into the database file.

What is only in the log is invisible to a reader of the database file alone (immutable=1); the
rows reach the file when the worker's checkpoint runs, while many commits of requests do not
checkpoint on their own (engine.db.WAL_BACKSTOP_PAGES, not SQLite's default of 1,000 pages).
"""

from __future__ import annotations

import sqlite3

from engine.db import WAL_BACKSTOP_PAGES, make_engine, make_session_factory
from engine.worker import _checkpoint

COMMITS = 1_500  # each a page of its own: past SQLite's default checkpoint point, below ours


def _rows_in_file(path) -> int:
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as reader:
        if not reader.execute("SELECT 1 FROM sqlite_master WHERE name = 'notes'").fetchone():
            return 0
        return reader.execute("SELECT count(*) FROM notes").fetchone()[0]


def test_commits_stay_in_the_log_until_the_worker_checkpoints(tmp_path):
    path = tmp_path / "log.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE notes (body BLOB)")
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == WAL_BACKSTOP_PAGES
    for _commit in range(COMMITS):  # as many separate requests would
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO notes VALUES (randomblob(3000))")
    assert _rows_in_file(path) == 0  # all of it still in the log: no commit checkpointed
    _checkpoint(make_session_factory(engine))
    assert _rows_in_file(path) == COMMITS
    engine.dispose()
