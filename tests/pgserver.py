"""A throwaway PostgreSQL server for tests (stdlib + psycopg only).

`postgres_url()` returns `CASEPATH_TEST_DATABASE_URL` if set, else starts one private server per
process (initdb in a temp dir, trust auth, 127.0.0.1, free port, fsync off, stopped at exit), or None.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

_STARTED: dict[str, str | BaseException] = {}  # "url" or "error", cached for the whole session
_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _bindir() -> Path | None:
    """The directory holding initdb and pg_ctl: pg_config, newest /usr/lib/postgresql/*, PATH."""
    candidates: list[Path] = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    versions = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p).parent.name.isdigit()]
    candidates += sorted(versions, key=lambda p: int(p.parent.name), reverse=True)  # newest first
    if shutil.which("initdb"):
        candidates.append(Path(shutil.which("initdb") or "").resolve().parent)
    for d in candidates:
        if (d / "initdb").is_file() and (d / "pg_ctl").is_file():
            return d
    return None


def _as_owner(args: list[str]) -> list[str]:
    """Prefix `args` so they run as user `postgres` when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return args
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--", *args]
    return ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(args)]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(_as_owner(args), capture_output=True, text=True, stdin=subprocess.DEVNULL)


def _start(bindir: Path) -> str:
    """initdb + pg_ctl start; returns the server URL and registers the cleanup."""
    pw = pwd.getpwnam("postgres") if os.geteuid() == 0 else None  # KeyError: see postgres_url()
    # /tmp rather than $TMPDIR when root: the postgres user must be able to reach the directory.
    tmp = Path(tempfile.mkdtemp(prefix="casepath-pg-", dir="/tmp" if pw else None))
    data = tmp / "data"
    if pw:
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
    initdb = [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--encoding=UTF8"]
    out = _run([*initdb, "--locale=C.UTF-8"])
    if out.returncode != 0:  # very old or minimal systems may lack the C.UTF-8 locale
        out = _run([*initdb, "--locale=C"])
    if out.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError(f"initdb failed:\n{out.stdout}\n{out.stderr}")
    pg_ctl = str(bindir / "pg_ctl")
    owner_pid = os.getpid()

    def stop() -> None:
        if os.getpid() != owner_pid:  # a forked child must not stop the parent's server
            return
        _run([pg_ctl, "stop", "-D", str(data), "-m", "immediate"])
        shutil.rmtree(tmp, ignore_errors=True)

    for _attempt in range(3):  # the free port may be taken between probing and binding
        port = _free_port()
        opts = (
            f"-h 127.0.0.1 -p {port} -k {tmp} -F -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=200"
        )
        out = _run([pg_ctl, "start", "-w", "-t", "60", "-D", str(data), "-l", str(tmp / "log"), "-o", opts])
        if out.returncode == 0:
            atexit.register(stop)
            return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    log = (tmp / "log").read_text(errors="replace") if (tmp / "log").exists() else ""
    stop()  # removes the log too, hence read first
    raise RuntimeError(f"pg_ctl start failed:\n{out.stdout}\n{out.stderr}\n{log}")


def postgres_url() -> str | None:
    """URL of a PostgreSQL server where tests may create and drop databases, or None.

    Raises RuntimeError when binaries exist but the server cannot be started (a broken setup
    should fail loudly rather than silently skip the PostgreSQL tests).
    """
    if os.environ.get("CASEPATH_TEST_DATABASE_URL"):
        return os.environ["CASEPATH_TEST_DATABASE_URL"]
    if not _STARTED:
        if (bindir := _bindir()) is None:
            return None
        try:
            _STARTED["url"] = _start(bindir)
        except (RuntimeError, OSError, KeyError) as exc:
            _STARTED["error"] = exc
    if "error" in _STARTED:
        raise RuntimeError(f"could not start a test PostgreSQL: {_STARTED['error']}")
    return str(_STARTED["url"])


def _with_db(url: str, name: str, driver: bool = True) -> str:
    """`url` pointing at database `name`; without `driver` as a plain libpq URL for psycopg."""
    parts = urlsplit(url)
    scheme = parts.scheme if driver else "postgresql"
    return urlunsplit((scheme, parts.netloc, "/" + name, parts.query, ""))


def _admin(server_url: str, statement: sql.Composed) -> None:
    maintenance = urlsplit(server_url).path.lstrip("/") or "postgres"
    with psycopg.connect(_with_db(server_url, maintenance, driver=False), autocommit=True) as conn:
        conn.execute(statement)


def create_database(server_url: str, name: str) -> str:
    """(Re)create an empty database `name` on the server; returns its SQLAlchemy URL."""
    drop_database(server_url, name)
    create = sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0")
    _admin(server_url, create.format(sql.Identifier(name)))
    return _with_db(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    """Drop database `name` if it exists, disconnecting its sessions (PostgreSQL 13+)."""
    if not _DB_NAME.match(name):
        raise ValueError(f"unsafe database name: {name!r}")
    _admin(server_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
