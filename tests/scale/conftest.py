"""PostgreSQL and Redis for the scale-out test, on 127.0.0.1 in a temporary directory.

Both come from Debian's packages (`make test-scale` installs them). PostgreSQL refuses to
run as root, so its data directory belongs to the `postgres` user and initdb/pg_ctl run as
that user. Ports are found free at start; passwords are random per run.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail("PostgreSQL is not installed: run `make test-scale`, which installs it")
    return found[-1]


def as_postgres(*command: str) -> None:
    subprocess.run(
        ["runuser", "-u", "postgres", "--", *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


@dataclass
class Services:
    db_port: int
    db_password: str
    redis_port: int
    redis_password: str
    redis: subprocess.Popen
    data_dir: Path

    def environment(self) -> dict[str, str]:
        """The scale profile's settings (bot/endpoints-scale.yml), as the Helm chart sets them."""
        return {
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(self.db_port),
            "DB_DATABASE": "rasa",
            "DB_USER": "rasa",
            "DB_PASSWORD": self.db_password,
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(self.redis_port),
            "REDIS_PASSWORD": self.redis_password,
            "REDIS_DB": "1",
        }

    def stop_postgres(self) -> None:
        as_postgres(postgres_bin("pg_ctl"), "-D", str(self.data_dir / "pg"), "-m", "fast", "-w", "stop")

    def start_postgres(self) -> None:
        _start_postgres(self.data_dir, self.db_port)


@pytest.fixture(scope="session")
def services():
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed: run `make test-scale`, which installs it")
    work = Path(tempfile.mkdtemp(prefix="zhijiao-scale-"))  # under /tmp, reachable by postgres
    data, password_file = work / "pg", work / "pwfile"
    db_password, redis_password = secrets.token_hex(16), secrets.token_hex(16)
    password_file.write_text(db_password)
    shutil.chown(work, "postgres")
    shutil.chown(password_file, "postgres")
    os.chmod(password_file, 0o600)
    db_port, redis_port = free_port(), free_port()
    redis = None
    try:
        as_postgres(
            postgres_bin("initdb"),
            "-D",
            str(data),
            "-U",
            "rasa",
            f"--pwfile={password_file}",
            "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        _start_postgres(work, db_port)
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(db_port),
                "-U",
                "rasa",
                "-d",
                "postgres",
                "-c",
                "CREATE DATABASE rasa",
            ],
            check=True,
            env={**os.environ, "PGPASSWORD": db_password},
            stdout=subprocess.DEVNULL,
        )
        redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--requirepass",
                redis_password,
                "--dir",
                str(work),
            ],
            stdout=(work / "redis.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_for_port(redis_port)
        yield Services(db_port, db_password, redis_port, redis_password, redis, work)
    finally:
        if redis is not None and redis.poll() is None:
            os.killpg(redis.pid, signal.SIGTERM)
            redis.wait(timeout=10)
        if (data / "postmaster.pid").exists():
            subprocess.run(
                [
                    "runuser",
                    "-u",
                    "postgres",
                    "--",
                    postgres_bin("pg_ctl"),
                    "-D",
                    str(data),
                    "-m",
                    "fast",
                    "-w",
                    "stop",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(work, ignore_errors=True)


def _start_postgres(work: Path, port: int) -> None:
    as_postgres(
        postgres_bin("pg_ctl"),
        "-D",
        str(work / "pg"),
        "-l",
        str(work / "postgres.log"),
        "-w",
        "start",
        "-o",
        f"-p {port} -c listen_addresses=127.0.0.1 -k {work}",
    )


def _wait_for_port(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")
