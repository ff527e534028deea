"""Run `sitrep serve` as a real server process on loopback (for tests and benchmarks).

    with ServerProcess("store.duckdb") as server:
        httpx.get(server.url + "/api/stats")

Why a subprocess and not an in-process client: what ships is `sitrep serve` (uvicorn, the middleware,
the static files, the port binding); testing that process is testing the product.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServerProcess:
    """`python -m sitrep.cli serve --db DB --port P` on 127.0.0.1, started and stopped as a context manager."""

    def __init__(self, db: str | Path, *, allow_ingest: bool = False, port: int | None = None,
                 startup_timeout: float = 60.0, workers: int = 1) -> None:
        self.db = str(db)
        self.allow_ingest = allow_ingest
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None

    def __enter__(self) -> ServerProcess:
        command = [sys.executable, "-m", "sitrep.cli", "serve", "--db", self.db, "--host", "127.0.0.1",
                   "--port", str(self.port)]
        if self.allow_ingest:
            command.append("--allow-ingest")
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        self.log_path = Path(self.db).with_suffix(f".serve-{self.port}.log")
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
        log.close()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sitrep serve exited with {self.process.returncode}: {self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/api/version", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"sitrep serve did not answer within {self.startup_timeout:.0f} s: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
