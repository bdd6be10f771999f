"""The app as a CSP meets it: migrated, loaded with the invented demo, served by gunicorn on
127.0.0.1. Used by the browser tests and by `make screenshots`."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DHR_")}
    env.update(DHR_INSTANCE_PATH=str(instance), DHR_ENV="development", FLASK_APP="wsgi",
               DHR_PASSWORD_HASH="fast")
    return env


def _wait(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@contextmanager
def served(instance: Path):
    """Yield the base URL of a fresh instance (its SQLite database under ``instance``)."""
    env = _env(instance)
    for command in (["db", "upgrade"], ["dhr", "demo", "load"]):
        subprocess.run([str(BIN / "flask"), *command], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    port = _free_port()
    log = open(instance / "gunicorn.log", "wb")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/healthz", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
