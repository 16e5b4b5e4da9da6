"""The private servers of the load bench (bench/load.py), started and stopped by it: a throwaway
PostgreSQL cluster, a redis-server, an SMTP sink that counts the reminder e-mails, gunicorn as the
Procfile runs it and one reminder worker; and what it reads of their processes (RSS)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/local/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # not up yet
            pass
        time.sleep(0.2)
    raise SystemExit(f"load bench: {what} did not come up")


class PrivatePostgres:
    """A throwaway cluster in a temporary directory, run as the postgres user when we are root
    (initdb refuses root)."""

    def __init__(self, base: Path, port: int) -> None:
        self.dir, self.port = base / "pg", port
        self.user: list[str] = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        self.url = f"postgresql://postgres@127.0.0.1:{port}/bench"

    def _run(self, *argv: str) -> None:
        subprocess.run([*self.user, *argv], check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        self.dir.mkdir()
        if self.user:
            shutil.chown(self.dir, "postgres")
            shutil.chown(self.dir.parent, "postgres")
        self._run(str(PG_BIN / "initdb"), "-U", "postgres", "--auth=trust", "-D", str(self.dir))
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.dir),
            "-o",
            options,
            "-w",
            "-l",
            str(self.dir / "log"),
            "start",
        )
        import psycopg

        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute("CREATE DATABASE bench")

    def restart(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "fast", "-w", "restart")

    def stop(self) -> None:
        subprocess.run(
            [*self.user, str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            check=False,
        )

    def connections(self) -> int:
        import psycopg

        with psycopg.connect(self.url, connect_timeout=2) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = 'bench' AND pid <> pg_backend_pid()"
            ).fetchone()
        return int(row[0]) if row else 0


class PrivateRedis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        from redis import Redis

        wait_for(lambda: Redis.from_url(self.url).ping(), 10, "redis-server")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class SmtpSink:
    """Counts reminder e-mails by Message-ID (each reminder's id)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.ids: list[str] = []
        self.port = free_port()
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                from email import message_from_bytes

                sink.ids.append(str(message_from_bytes(envelope.content)["Message-ID"]))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in out.stdout.split()]


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def start_web(
    env: dict[str, str], port: int, workers: int, threads: int, log: Path
) -> subprocess.Popen[bytes]:
    """gunicorn with the app, as the Procfile runs it (workers x threads, --preload, loopback)."""
    return subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            f"--workers={workers}",
            f"--threads={threads}",
            "--preload",
            "--keep-alive=5",
            f"--bind=127.0.0.1:{port}",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """One reminder worker (jobs.reminders)."""
    return subprocess.Popen(
        [sys.executable, "-m", "jobs.reminders", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


def stop_all(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each process still running; kill it when it has not stopped within 20 s."""
    for proc in procs:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    print("bench/servers.py: the private servers of bench/load.py; nothing to run on its own")
