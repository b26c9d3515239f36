"""The MCP conformance suite (npm ``@modelcontextprotocol/conformance``) against a running hub.

``conformance/run.sh`` installs the pinned suite and Node 22 (``conformance/package-lock.json``),
starts ``mcphub serve`` and the loopback harness, and runs the server scenarios that apply to a
hub. Here: the real run passes; the mutation check (the hub's Host/Origin validation switched
off) fails exactly ``dns-rebinding-protection``; and the harness itself is shown to be honest —
Host and Origin reach the upstream unchanged, only the bearer is added, an SSE stream is passed
on event by event.

Runtime: ~30 s for the first ``npm ci`` (once per checkout; skipped while the lock file is
installed); then the real and the mutant run go side by side, ~16 s for the whole module on a
busy 2-CPU machine (~10 s for one ``run.sh`` alone). Without Node/npm (or when the install
fails, e.g. offline) the tests skip; with ``CI=true`` they fail instead.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_service

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT / "conformance"
RUN = CONFORMANCE / "run.sh"
NODE = CONFORMANCE / "node_modules" / ".bin" / "node"
SCENARIOS = (
    "server-initialize",
    "ping",
    "tools-list",
    "logging-set-level",
    "dns-rebinding-protection",
)


def _env() -> dict[str, str]:
    # MCPHUB_PYTHON: the interpreter (and so the venv) running these tests serves the hub.
    return {**os.environ, "MCPHUB_PYTHON": sys.executable}


def _run(*args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(RUN), *args],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def installed() -> None:
    """The pinned suite and Node 22 in conformance/node_modules (``npm ci`` when needed)."""
    have_tools = NODE.exists() or (shutil.which("npm") is not None)
    require_service("Node/npm", have_tools, "npm is not on PATH (needed to install Node 22)")
    result = _run("--install-only", timeout=240)
    detail = (result.stderr.strip() or result.stdout.strip()).splitlines()
    require_service(
        "Node 22 + conformance suite",
        result.returncode == 0,
        f"`conformance/run.sh --install-only` exited {result.returncode}: "
        f"{detail[-1] if detail else 'no output'}",
    )


def _summary(output: str) -> dict[str, str]:
    """``  <scenario>  pass|fail  ...`` lines of run.sh's summary."""
    outcomes: dict[str, str] = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in SCENARIOS and parts[1] in ("pass", "fail"):
            outcomes[parts[0]] = parts[1]
    return outcomes


@pytest.fixture(scope="module")
def suite_runs(installed: None) -> dict[str, tuple[int, str]]:
    """The real run and the mutant run, side by side (each has its own hub, harness and ports):
    exit status and output of each."""
    runs = {
        name: subprocess.Popen(
            ["bash", str(RUN), *args],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name, args in (("real", ()), ("mutant", ("--mutant-no-host-check",)))
    }
    results: dict[str, tuple[int, str]] = {}
    try:
        for name, process in runs.items():
            output, _ = process.communicate(timeout=180)
            results[name] = (process.returncode, output)
    finally:
        for process in runs.values():
            if process.poll() is None:
                process.terminate()  # run.sh's EXIT trap stops its hub and harness
                process.communicate(timeout=30)
    return results


def test_the_hub_passes_the_server_scenarios(suite_runs: dict[str, tuple[int, str]]) -> None:
    status, output = suite_runs["real"]
    assert status == 0, output
    assert _summary(output) == dict.fromkeys(SCENARIOS, "pass"), output


def test_mutation_without_host_check_fails_dns_rebinding_only(
    suite_runs: dict[str, tuple[int, str]],
) -> None:
    status, output = suite_runs["mutant"]
    # run.sh exits 0 when the outcome is the expected one: only the mutant's scenario fails.
    assert status == 0, output
    expected = {**dict.fromkeys(SCENARIOS, "pass"), "dns-rebinding-protection": "fail"}
    assert _summary(output) == expected, output
    # It failed for the right reason: the evil Host/Origin was accepted, not some setup error.
    assert "Expected HTTP 4xx for invalid Host/Origin headers, got 200" in output, output


class _Upstream(http.server.BaseHTTPRequestHandler):
    """Records each request's headers; answers with an SSE stream of two events, the second
    sent only after the test has received the first (so buffering would deadlock, not pass)."""

    protocol_version = "HTTP/1.1"
    seen: list[list[tuple[str, str]]]
    first_event_received: threading.Event

    def do_POST(self) -> None:
        self.seen.append(list(self.headers.items()))
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._chunk(b"event: message\ndata: one\n\n")
        self.first_event_received.wait(timeout=10)
        self._chunk(b"event: message\ndata: two\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def harness_to_upstream(installed: None) -> Iterator[tuple[int, _Upstream]]:
    handler = type(
        "Upstream", (_Upstream,), {"seen": [], "first_event_received": threading.Event()}
    )
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    harness = subprocess.Popen(
        [str(NODE), str(CONFORMANCE / "harness.mjs")],
        env={
            "PATH": "/usr/bin:/bin",
            "HUB_URL": f"http://127.0.0.1:{upstream.server_address[1]}",
            "MCPHUB_KEY": "the-hub-key",
        },
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert harness.stdout is not None
        line = harness.stdout.readline()
        assert line.startswith("harness listening on http://127.0.0.1:"), line
        yield int(line.rsplit(":", 1)[1]), handler  # type: ignore[misc]
    finally:
        harness.terminate()
        harness.wait(timeout=10)
        if harness.stdout is not None:
            harness.stdout.close()
        upstream.shutdown()
        upstream.server_close()


def test_the_harness_adds_the_bearer_and_changes_nothing_else(
    harness_to_upstream: tuple[int, Any],
) -> None:
    port, upstream = harness_to_upstream
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "ping"}).encode()
    request = (
        b"POST /mcp HTTP/1.1\r\n"
        b"Host: evil.example.com:8443\r\n"
        b"Origin: http://evil.example.com\r\n"
        b"Authorization: Bearer not-the-hub-key\r\n"
        b"Content-Type: application/json\r\n"
        b"Accept: application/json, text/event-stream\r\n"
        b"Content-Length: %d\r\n"
        b"Connection: close\r\n\r\n%s" % (len(body), body)
    )
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        deadline = time.monotonic() + 10
        while b"data: one" not in received and time.monotonic() < deadline:
            received += conn.recv(65536)
        # The first event arrived while the upstream still holds the second: no buffering.
        assert b"data: one" in received and b"data: two" not in received, received
        upstream.first_event_received.set()
        while chunk := conn.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 200"), received
    assert b"text/event-stream" in received and b"data: two" in received, received

    (headers,) = upstream.seen
    names = [name.lower() for name, _ in headers]
    values = {name.lower(): value for name, value in headers}
    assert values["host"] == "evil.example.com:8443"
    assert values["origin"] == "http://evil.example.com"
    assert names.count("authorization") == 1
    assert values["authorization"] == "Bearer the-hub-key"
    assert values["content-type"] == "application/json"
