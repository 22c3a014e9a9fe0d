"""(d) of bench/engine_overhead.py: task completions over HTTP against gunicorn, on loopback.

gunicorn runs the app with `--workers` sync workers on 127.0.0.1; `--clients` threads of this
process complete tasks for a fixed time, each on its own cases (opened before the clock starts:
three completions per case). Printed: completions/s, p50/p95 latency, errors, and CPU time per
completion of the app's processes (gunicorn master and workers) and of PostgreSQL's (postmaster and
backends), read from /proc before and after. The clients share the machine's cores with both, so
the figures hold for this machine only; run it three times and take the medians.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
TICK = os.sysconf("SC_CLK_TCK")
MAX_REQUESTS = 1_000_000  # a bound on every client loop besides the clock


@dataclass
class Load:
    """What the clients did in the timed window."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(url: str, instance: str, workers: int) -> tuple[subprocess.Popen, int]:
    """gunicorn serving the app on a free loopback port, once it answers."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "CASEPATH_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
           "CASEPATH_DATA_KEY": secrets.token_hex(32),
           "CASEPATH_INSTANCE_PATH": instance, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                                "--log-level", "warning", "webui:create_app()"], cwd=ROOT, env=env)
    for _ in range(300):  # up to 30 s: until a worker answers
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/me")
            if conn.getresponse().status == 401:
                return process, port
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.1)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def post(port: int, path: str, body: dict, headers: dict[str, str]) -> tuple[int, dict]:
    """One request on a new connection (gunicorn's sync workers close every connection)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, json.dumps(body), {**headers, "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def client(port: int, headers: dict[str, str], first_tasks: deque, until: float, load: Load) -> None:
    """Complete tasks until `until`: each case's three tasks in turn, then the next case's."""
    task, mine, errors = None, [], 0
    for _ in range(MAX_REQUESTS):
        if time.perf_counter() >= until:
            break
        if task is None:
            try:
                task = first_tasks.popleft()
            except IndexError:
                break  # no cases left: more were needed (the bench prints how many ran)
        started = time.perf_counter()
        status, body = post(port, f"/api/v1/tasks/{task}/complete", {"data": {"done": True}}, headers)
        if status != 200:
            errors += 1
            task = None
            continue
        mine.append(time.perf_counter() - started)
        task = body["tasks"][0]["id"] if body.get("tasks") else None
    with load.lock:
        load.latencies += mine
        load.errors += errors


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes and of their children that have ended, in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return total / TICK


def tree(root: int) -> list[int]:
    """`root` and its child processes."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == root:
                    children.append(int(entry.name))
            except (OSError, ValueError):
                continue
    return [root, *children]


def postmaster_of(url: str) -> int | None:
    """The PostgreSQL server's main process (the parent of a backend), or None for SQLite."""
    if not url.startswith("postgresql"):
        return None
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        backend = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    engine.dispose()
    return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])


def run(url: str, instance: str, headers: dict[str, str], first_tasks: list[str], opts) -> dict[str, float]:
    """Serve with gunicorn, complete tasks from `opts.clients` threads for `opts.seconds`; the figures."""
    process, port = start_gunicorn(url, instance, opts.workers)
    try:
        queue = deque(first_tasks)
        warm = Load()
        client(port, headers, queue, time.perf_counter() + 2, warm)  # imports, caches, pools
        postmaster = postmaster_of(url)
        before = (cpu_seconds(tree(process.pid)), cpu_seconds(tree(postmaster)) if postmaster else 0.0)
        load, started = Load(), time.perf_counter()
        threads = [threading.Thread(target=client, args=(port, headers, queue, started + opts.seconds, load))
                   for _ in range(opts.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        after = (cpu_seconds(tree(process.pid)), cpu_seconds(tree(postmaster)) if postmaster else 0.0)
    finally:
        stop(process)
    done = len(load.latencies) or 1
    ordered = sorted(load.latencies)
    return {"rate": len(load.latencies) / elapsed, "p50": statistics.median(ordered or [0]) * 1000,
            "p95": ordered[int(len(ordered) * 0.95) - 1] * 1000 if ordered else 0.0, "errors": load.errors,
            "app_cpu": (after[0] - before[0]) / done * 1000, "db_cpu": (after[1] - before[1]) / done * 1000,
            "left": len(queue)}
