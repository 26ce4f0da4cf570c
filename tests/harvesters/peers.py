"""What the harvester tests import: quick retries, and real peer processes on 127.0.0.1.

A module of its own, not the folder's conftest: a test module that imported ``from conftest``
got whichever conftest pytest had loaded last (``tests/integration/cluster``'s, when both
folders were named in one call), and failed to collect.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from harvesters.transport import RetryPolicy

YAZ_ZTEST = shutil.which("yaz-ztest")

#: Quick retries: the tests inject faults on purpose and must not wait real backoff times.
FAST = RetryPolicy(attempts=4, backoff=0.01, max_backoff=0.05, max_retry_after=2.0, timeout=10)


def require(binary: str | None, name: str, package: str) -> str:
    """The path of a peer `make test` installs; a clear failure (not a skip) when it is missing."""
    if binary is None:
        pytest.fail(f"{name} is not installed: run `make test`, which installs Debian `{package}`")
    return binary


@contextmanager
def listening(
    command: list[str], port: int, log: Path, *, cwd: Path | None = None
) -> Iterator[str]:
    """Run a server process until it accepts connections on ``port``; its SRU base URL."""
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    name = Path(command[0]).name
    try:
        for _ in range(100):
            if proc.poll() is not None:
                logged = log.read_text(errors="replace") if log.exists() else ""
                pytest.fail(f"{name} exited: {logged}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail(f"{name} did not start listening")
        yield f"http://127.0.0.1:{port}/Default"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
