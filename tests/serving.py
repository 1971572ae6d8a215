"""A real treatywatch server in a subprocess, for tests that use it as people do."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]

    def pids(self) -> list[int]:
        """The server's process and its workers."""
        return [self.process.pid, *children(self.process.pid)]


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = (task / "children").read_text() if (task / "children").exists() else ""
        for child in map(int, text.split()):
            found += [child, *children(child)]
    return found


def open_files(pids: list[int], suffixes: tuple[str, ...]) -> int:
    """How many file descriptors of these processes point at files ending so."""
    count = 0
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue  # closed while we looked
            count += target.endswith(suffixes)
    return count


def cli(db: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TREATYWATCH_DB": db}
    return subprocess.run(
        [sys.executable, "-m", "treatywatch", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


@contextmanager
def running_server(db: str, workers: int = 2, *extra: str) -> Iterator[Server]:
    """``treatywatch serve`` over ``db`` on a free port, until the block ends."""
    port = free_port()
    env = {**os.environ, "TREATYWATCH_DB": db}
    process = subprocess.Popen(
        [sys.executable, "-m", "treatywatch", "serve", "--port", str(port)]
        + ["--workers", str(workers), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"server exited with {process.returncode}: {err}")
            try:
                if httpx.get(url + "/api/v1/processes", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not answer within 60 s")
            time.sleep(0.2)
        yield Server(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()
