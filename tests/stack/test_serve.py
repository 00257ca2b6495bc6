"""`make run`'s launcher: Ctrl-C stops every process it started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from knowledge import settings

pytestmark = pytest.mark.stack


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_ctrl_c_stops_every_process(tmp_path):
    ports = {"RASA_PORT": "16005", "ACTION_PORT": "16055", "WEB_PORT": "16080"}
    env = {**os.environ, **ports, "TRACKER_DB": str(tmp_path / "tracker.db"), "LOCK_DB": str(tmp_path / "locks.db")}
    launcher = subprocess.Popen(
        [sys.executable, "-m", "scripts.serve"],
        cwd=settings.REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180
        for line in launcher.stdout:
            if line.startswith("ready") or time.monotonic() > deadline:
                break
        assert all(port_open(int(port)) for port in ports.values())
        launcher.send_signal(signal.SIGINT)
        assert 0 == launcher.wait(timeout=30)
    finally:
        launcher.kill()
    time.sleep(1)
    assert [] == [name for name, port in ports.items() if port_open(int(port))]
