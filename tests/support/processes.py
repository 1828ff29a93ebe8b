"""The servers the tests start run in their own process group (`start_new_session=True`), logging to a file; these
start one and wait until it answers, and stop it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx


def start_server(
    command: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    log_path: Path,
    ready: Callable[[], bool],
    timeout: float,
    name: str,
    poll: float = 0.5,
) -> subprocess.Popen[bytes]:
    """Start `command` in its own process group and return once `ready()` (HTTP errors count as not yet); stop it
    and raise with its log's tail if it exits or is not ready within `timeout` seconds."""
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{_tail(log_path)}")
        with contextlib.suppress(httpx.HTTPError):
            if ready():
                return process
        time.sleep(poll)
    stop_process_group(process)
    raise RuntimeError(f"{name} did not start within {timeout}s:\n{_tail(log_path)}")


def _tail(log_path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_process_group(process: subprocess.Popen[bytes], grace: float = 10) -> None:
    """SIGTERM to the process's group, then SIGKILL if it has not ended within `grace` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
