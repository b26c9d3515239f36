"""Run the real ``mcphub`` executable: the server as a process, CLI commands as processes."""

from __future__ import annotations

import json
import os
import pty
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MCPHUB = str(Path(sys.executable).with_name("mcphub"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("MASTER_API_KEY", "DATABASE_URL", "DATA_DIR", "ENCRYPTION_KEY"))
    }
    env.update({"DATA_DIR": str(data_dir), "PROJECTION_POLL_INTERVAL": "0.1", **extra})
    return env


def cli(env: dict[str, str], *args: str, stdin: str = "", check: bool = True) -> str:
    result = subprocess.run(
        [MCPHUB, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"mcphub {' '.join(args)} -> {result.returncode}: {result.stderr}")
    return result.stdout + result.stderr


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


def request(url: str, method: str = "GET", key: str | None = None, body: Any = None) -> Response:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
            return Response(resp.status, dict(resp.headers), resp.read().decode())
    except urllib.error.HTTPError as error:
        return Response(error.code, dict(error.headers), error.read().decode())


@dataclass
class Server:
    data_dir: Path
    env: dict[str, str]
    logs: Path
    port: int = field(default_factory=free_port)
    runs: int = 0
    process: subprocess.Popen[bytes] | None = None
    _files: list[Any] = field(default_factory=list)
    _pty_reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, terminal: bool = False) -> None:
        """Start ``serve``; with ``terminal`` its standard output is a pseudo-terminal (what an
        operator sees), otherwise a file (what a service manager's journal sees)."""
        self.runs += 1
        out = (self.logs / f"serve-{self.runs}.out").open("wb")
        err = (self.logs / f"serve-{self.runs}.err").open("wb")
        self._files += [out, err]
        stdout: Any = out
        if terminal:
            leader, follower = pty.openpty()
            stdout = follower
            self._pty_reader = threading.Thread(target=_copy, args=(leader, out), daemon=True)
            self._pty_reader.start()
        self.process = subprocess.Popen(
            [MCPHUB, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=stdout,
            stderr=err,
            stdin=subprocess.DEVNULL,
        )
        if terminal:
            os.close(follower)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited {self.process.returncode}: {self.output()}")
            try:
                if request(f"{self.url}/health").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"serve did not answer /health in 30 s: {self.output()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._pty_reader is not None:
            self._pty_reader.join(timeout=5)
            self._pty_reader = None
        for handle in self._files:
            handle.close()
        self._files.clear()

    def output(self, run: int | None = None) -> str:
        runs = [run] if run is not None else range(1, self.runs + 1)
        return "".join(
            (self.logs / f"serve-{n}.{kind}").read_text(errors="replace")
            for n in runs
            for kind in ("out", "err")
        )


def _copy(leader: int, out: Any) -> None:
    """Drain a pseudo-terminal into a file until the child closes it."""
    try:
        while chunk := os.read(leader, 4096):
            out.write(chunk)
            out.flush()
    except OSError:  # EIO: the child side closed
        pass
    finally:
        os.close(leader)


def wait_until_accepted(url: str, key: str, within: float = 1.0) -> float:
    """Poll the admin API until ``key`` is accepted; return how long that took."""
    started = time.monotonic()
    while request(f"{url}/api/v1/keys", key=key).status != 200:
        elapsed = time.monotonic() - started
        assert elapsed < within, f"the key was not accepted within {within} s"
        time.sleep(0.02)
    return time.monotonic() - started
