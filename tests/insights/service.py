"""Run `kb collect` as a real process on a free loopback port."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

KB = str(Path(sys.executable).with_name("kb"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class CollectorProcess:
    """`kb collect` in a subprocess; `stop()` sends SIGTERM and waits for the exit."""

    def __init__(
        self, db: str, site_dir: Path, origin: str, *, rate_limit: int = 0, port: int = 0
    ) -> None:
        self.port = port or free_port()
        self.origin = origin
        self.process = subprocess.Popen(
            [
                KB,
                "collect",
                "--db",
                db,
                "--site-dir",
                str(site_dir),
                "--origin",
                origin,
                "--port",
                str(self.port),
                "--rate-limit",
                str(rate_limit),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._wait_ready()
        self._connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/event"

    def _wait_ready(self) -> None:
        """Poll /healthz until the server answers (or the process has died)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"kb collect exited: {self.process.stderr.read()}")  # type: ignore[union-attr]
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("kb collect did not start")

    def post(self, event: dict[str, Any], user_agent: str = "Mozilla/5.0") -> int:
        self._connection.request(
            "POST",
            "/api/event",
            body=json.dumps(event).encode(),
            headers={"Origin": self.origin, "User-Agent": user_agent, "Content-Type": "text/plain"},
        )
        response = self._connection.getresponse()
        response.read()
        return response.status

    def health(self) -> dict[str, Any]:
        self._connection.request("GET", "/healthz")
        response = self._connection.getresponse()
        data: dict[str, Any] = json.loads(response.read())
        return data

    def stop(self, sig: int = signal.SIGTERM) -> tuple[int, str]:
        """Signal the collector, wait for it and return its exit status and log."""
        self._connection.close()
        self.process.send_signal(sig)
        _, log = self.process.communicate(timeout=60)
        return self.process.returncode, log
