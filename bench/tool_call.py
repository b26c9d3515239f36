"""Tool calls per second and p50/p99 latency through the hub, beside the same upstream call made
(a) directly and (b) through a bare mcp-SDK server, at 1 and at 8 concurrent client sessions.

    .venv/bin/python bench/tool_call.py [--duration 10] [--warmup 2] [--sessions 1,8]
                                        [--rounds 1] [--setups direct,bare,hub]

Every process runs on 127.0.0.1 only, each in its own process (no shared GIL):

* a fake WordPress (a raw asyncio HTTP/1.1 server) answering ``GET /wp-json/`` (the REST index,
  for discovery) and ``GET /wp-json/wp/v2/posts/<id>`` with a small JSON post;
* **direct**: this process makes the ``GET`` itself with a pooled ``httpx.AsyncClient``;
* **bare**: a bare mcp-SDK low-level ``Server`` with one tool making that ``GET`` with a pooled
  ``httpx.AsyncClient`` kept open, over streamable HTTP (``json_response=True``, stateful
  sessions, like the hub), under uvicorn;
* **hub**: ``mcphub serve`` in its default configuration (SQLite in a fresh data directory,
  every projection on, ``SITE_ALLOWLIST=127.0.0.1``), a project registered with ``mcphub
  projects add`` pointing at the fake site, a read key issued with ``mcphub keys issue``,
  ``wp_get_post`` called on ``/project/bench/mcp``. The hub has no rate limits yet; when it
  has, this script must raise them through settings, not switch them off.

The load generator (this process) drives N sessions of the official SDK client (``mode=
"legacy"``), each calling in a loop; after a warm-up, the calls that complete within the
measured window count. With ``--rounds N`` the setups take turns N times and each figure is the
median. Also printed: the CPU each process used in the window and the serving process's CPU per
call (a saturated load generator flattens every ratio; on a shared machine the CPU per call is
the steadier figure), the events the hub's log gained per call and the group-commit writer's
commits against its appends (from ``hub_status`` on ``/system/mcp``).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import math
import os
import re
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ALIAS = "bench"
WP_USER = "bench"
WP_PASSWORD = "abcd EFGH ijkl MNOP qrst UVWX"  # an application password's shape (fake site)
MASTER_KEY = "bench-master-key-" + "Qx7Lm2Pz9KvR4tWn" * 2
POST_IDS = 100
TARGET_THROUGHPUT_RATIO = 0.9  # hub / bare at 8 sessions
TARGET_ADDED_P50_MS = 1.0  # hub - bare at 1 session
STARTUP_SECONDS = 60.0
CALL_TIMEOUT_SECONDS = 30.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- the fake WordPress (its own process) -----------------------------------------------------


def _post_json(post_id: int) -> bytes:
    link = f"http://127.0.0.1/?p={post_id}"
    post = {
        "id": post_id,
        "date": "2026-01-15T10:00:00",
        "date_gmt": "2026-01-15T10:00:00",
        "guid": {"rendered": link},
        "modified": "2026-01-15T10:00:00",
        "modified_gmt": "2026-01-15T10:00:00",
        "slug": f"post-{post_id}",
        "status": "publish",
        "type": "post",
        "link": link,
        "title": {"rendered": f"Benchmark post {post_id}"},
        "content": {
            "rendered": "<p>A short paragraph of post content for the benchmark.</p>\n",
            "protected": False,
        },
        "excerpt": {"rendered": "<p>A short paragraph&hellip;</p>\n", "protected": False},
        "author": 1,
        "featured_media": 0,
        "comment_status": "open",
        "ping_status": "open",
        "sticky": False,
        "template": "",
        "format": "standard",
        "meta": {"footnotes": ""},
        "categories": [1],
        "tags": [],
    }
    return json.dumps(post, separators=(",", ":")).encode()


_INDEX = json.dumps(
    {
        "name": "Benchmark site",
        "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1"],
        "authentication": {
            "application-passwords": {
                "endpoints": {
                    "authorization": "http://127.0.0.1/wp-admin/authorize-application.php"
                }
            }
        },
    }
).encode()
_NOT_FOUND = json.dumps(
    {"code": "rest_no_route", "message": "No route was found.", "data": {"status": 404}}
).encode()
_POST_ROUTE = re.compile(rb"^/wp-json/wp/v2/posts/(\d+)(?:\?.*)?$")


def _http_response(status: bytes, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\n"
        b"Content-Type: application/json; charset=UTF-8\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        b"Connection: keep-alive\r\n\r\n" + body
    )


class FakeWordPress(asyncio.Protocol):
    """Just enough HTTP/1.1 (keep-alive, Content-Length bodies) for the gateway and httpx."""

    cache: dict[bytes, bytes] = {}

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            target = head.split(b" ", 2)[1]
            self.transport.write(self.answer(target))

    def answer(self, target: bytes) -> bytes:
        cached = self.cache.get(target)
        if cached is not None:
            return cached
        match = _POST_ROUTE.match(target)
        if match is not None and 0 < int(match[1]) <= POST_IDS:
            response = _http_response(b"200 OK", _post_json(int(match[1])))
        elif target.split(b"?", 1)[0] in (b"/wp-json", b"/wp-json/"):
            response = _http_response(b"200 OK", _INDEX)
        else:
            response = _http_response(b"404 Not Found", _NOT_FOUND)
        if len(self.cache) < 1000:
            self.cache[target] = response
        return response


def serve_fake_wordpress() -> None:
    from interfaces.cli.serve import bind_socket  # noqa: PLC0415 - TCP_NODELAY like the hub

    sock = bind_socket("127.0.0.1", 0)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(FakeWordPress, sock=sock, backlog=512)
        print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        async with server:
            await stop.wait()

    asyncio.run(main())


# -- the bare mcp-SDK server (its own process) ------------------------------------------------


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def upstream_client(base_url: str) -> httpx.AsyncClient:
    """A pooled client like the hub gateway's: 10 connections per site, keep-alive, no env."""
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(30.0, connect=5.0, pool=5.0),
        limits=httpx.Limits(max_connections=10, max_keepalive_connections=10),
        trust_env=False,
        follow_redirects=False,
        headers={
            "User-Agent": "bench-bare",
            "Accept": "application/json",
            "Authorization": _basic(WP_USER, WP_PASSWORD),
        },
    )


def serve_bare(upstream: str) -> None:
    import uvicorn  # noqa: PLC0415 - only the child processes need the server stack
    from mcp import types  # noqa: PLC0415
    from mcp.server.lowlevel import Server  # noqa: PLC0415
    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager  # noqa: PLC0415
    from mcp.server.transport_security import TransportSecuritySettings  # noqa: PLC0415

    from interfaces.cli.serve import bind_socket  # noqa: PLC0415

    clients: list[httpx.AsyncClient] = []
    schema = {
        "type": "object",
        "properties": {"id": {"type": "integer", "minimum": 1}},
        "required": ["id"],
    }

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[types.Tool(name="get_post", description="Fetch a post.", input_schema=schema)]
        )

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        post_id = int((params.arguments or {})["id"])
        response = await clients[0].get(f"/wp-json/wp/v2/posts/{post_id}")
        data = response.json()
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=json.dumps(data, ensure_ascii=False))],
            structured_content=data,
            is_error=response.status_code >= 400,
        )

    manager = StreamableHTTPSessionManager(
        app=Server("bare", on_list_tools=list_tools, on_call_tool=call_tool),
        json_response=True,
        security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        max_sessions=10_000,
    )

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await receive()  # lifespan.startup
            async with manager.run(), upstream_client(upstream) as client:
                clients.append(client)
                await send({"type": "lifespan.startup.complete"})
                await receive()  # lifespan.shutdown
            await send({"type": "lifespan.shutdown.complete"})
            return
        await manager.handle_request(scope, receive, send)

    sock = bind_socket("127.0.0.1", 0)
    # uvicorn as the hub's `serve` configures it (no access log, no server header).
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="on",
        timeout_graceful_shutdown=10,
    )
    server = uvicorn.Server(config)
    print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    server.run(sockets=[sock])


# -- processes ----------------------------------------------------------------------------------


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    url: str = ""

    def cpu_seconds(self) -> float:
        """User + system CPU of the process (all its threads) so far."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return math.nan
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


@dataclass
class Processes:
    workdir: Path
    children: list[Child] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Child:
        """Start ``argv`` (stdout and stderr to files) and wait for its "listening on" line."""
        stdout, stderr = self.workdir / f"{name}.out", self.workdir / f"{name}.err"
        with stdout.open("wb") as out, stderr.open("wb") as err:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and mcphub
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                cwd=self.workdir,  # no stray .env is read
                env=env,
                start_new_session=True,  # Ctrl-C reaches this script only; it stops the children
            )
        child = Child(name, process, stdout, stderr)
        self.children.append(child)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", stdout.read_text())
            if found:
                child.url = found[1]
                return child
            if process.poll() is not None:
                break
            time.sleep(0.05)
        raise SystemExit(
            f"{name} did not start (exit {process.poll()}):\n{stderr.read_text()[-3000:]}"
        )

    def stop_all(self) -> None:
        for child in reversed(self.children):
            child.stop()
        self.children.clear()


def _python_child(role: str, *extra: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--role", role, *extra]


def _mcphub() -> str:
    return str(Path(sys.executable).with_name("mcphub"))


def _hub_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MCPHUB", "DATABASE"))}
    env.update(
        DATA_DIR=str(data_dir),
        MASTER_API_KEY=MASTER_KEY,
        SITE_ALLOWLIST="127.0.0.1",
        HOST="127.0.0.1",
        PYTHONUNBUFFERED="1",
    )
    return env


def prepare_hub(data_dir: Path, site_url: str, workdir: Path) -> str:
    """Register the fake site and issue a read key through the CLI; return the key."""
    env = _hub_env(data_dir)
    subprocess.run(  # noqa: S603 - the venv's mcphub
        [_mcphub(), "projects", "add", ALIAS, "--url", site_url, "--wp-user", WP_USER],
        input=(WP_PASSWORD + "\n").encode(),
        env=env,
        cwd=workdir,
        check=True,
        capture_output=True,
        timeout=60,
    )
    issued = subprocess.run(  # noqa: S603 - the venv's mcphub
        [_mcphub(), "keys", "issue", "--project", ALIAS, "--scope", "read", "--json"],
        env=env,
        cwd=workdir,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return str(json.loads(issued.stdout)["key"])


# -- load generation -----------------------------------------------------------------------------


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _machine_busy() -> float:
    """CPU seconds every process of the machine has used (all cores), from /proc/stat."""
    try:
        ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return math.nan
    user, nice, system, _idle, _iowait, irq, softirq, steal = ticks[:8]
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


class CpuProbe:
    """CPU used by this process, each server and everything else on the machine."""

    def __init__(self, children: list[Child]) -> None:
        self.children = children

    def __call__(self) -> dict[str, float]:
        sample = {"loadgen": _self_cpu(), "machine": _machine_busy()}
        for child in self.children:
            sample[child.name] = child.cpu_seconds()
        return sample

    @staticmethod
    def delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
        used = {name: after[name] - before[name] for name in after}
        machine = used.pop("machine")
        used["others"] = max(0.0, machine - sum(used.values()))
        return used


@dataclass
class Measurement:
    setup: str
    sessions: int
    duration: float
    latencies: list[float]  # seconds, of the calls completed in the window
    calls_total: int  # every call made, warm-up included
    errors: int
    cpu: dict[str, float]  # process -> CPU seconds used in the window

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.duration

    def percentile_ms(self, q: float) -> float:
        return percentile_ms(self.latencies, q)

    @property
    def cpu_ms_per_call(self) -> float:
        """CPU of the process doing the calls (the server; for direct, this one) per call."""
        used = self.cpu.get(self.setup, self.cpu["loadgen"])
        return used / len(self.latencies) * 1000 if self.latencies else math.nan


def percentile_ms(latencies: list[float], q: float) -> float:
    """Nearest-rank percentile, in milliseconds."""
    if not latencies:
        return math.nan
    ordered = sorted(latencies)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] * 1000


Call = Callable[[int], Awaitable[bool]]  # post id -> the answer was the right post


async def drive(
    calls: list[Call], warmup: float, duration: float, probe: CpuProbe
) -> tuple[list[float], int, int, dict[str, float]]:
    """Every ``call`` in its own loop; latencies of the calls completing inside the window."""
    latencies: list[float] = []
    counters = {"total": 0, "errors": 0}
    now = time.perf_counter()
    window_start = now + warmup
    window_end = window_start + duration

    async def loop(call: Call, offset: int) -> None:
        n = offset
        while True:
            started = time.perf_counter()
            if started >= window_end:
                return
            ok = await call(n % POST_IDS + 1)
            ended = time.perf_counter()
            n += 7
            counters["total"] += 1
            if not ok:
                counters["errors"] += 1
            if window_start <= ended <= window_end:
                latencies.append(ended - started)

    async def sample_cpu() -> tuple[dict[str, float], dict[str, float]]:
        await asyncio.sleep(max(0.0, window_start - time.perf_counter()))
        before = probe()
        await asyncio.sleep(max(0.0, window_end - time.perf_counter()))
        return before, probe()

    async with asyncio.timeout(warmup + duration + CALL_TIMEOUT_SECONDS + 30):
        sampler = asyncio.ensure_future(sample_cpu())
        await asyncio.gather(*(loop(call, i * 13) for i, call in enumerate(calls)))
        before, after = await sampler
    return latencies, counters["total"], counters["errors"], CpuProbe.delta(before, after)


def _post_ok(data: Any, post_id: int) -> bool:
    return isinstance(data, dict) and data.get("id") == post_id


async def measure_direct(
    site: Child, sessions: int, warmup: float, duration: float, probe: CpuProbe
) -> Measurement:
    async with upstream_client(site.url) as client:

        async def call(post_id: int) -> bool:
            response = await client.get(f"/wp-json/wp/v2/posts/{post_id}")
            return response.status_code == 200 and _post_ok(response.json(), post_id)

        latencies, total, errors, cpu = await drive([call] * sessions, warmup, duration, probe)
    return Measurement("direct", sessions, duration, latencies, total, errors, cpu)


@contextlib.asynccontextmanager
async def mcp_sessions(url: str, bearer: str | None, count: int) -> Any:
    import httpx2  # noqa: PLC0415 - the SDK client's HTTP library
    from mcp import Client  # noqa: PLC0415
    from mcp.client.streamable_http import streamable_http_client  # noqa: PLC0415

    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    async with contextlib.AsyncExitStack() as stack:
        clients = []
        for _ in range(count):
            http = await stack.enter_async_context(
                httpx2.AsyncClient(headers=headers, timeout=CALL_TIMEOUT_SECONDS)
            )
            client = await stack.enter_async_context(
                Client(streamable_http_client(url, http_client=http), mode="legacy")
            )
            clients.append(client)
        yield clients


async def measure_mcp(
    setup: str,
    url: str,
    bearer: str | None,
    tool: str,
    sessions: int,
    warmup: float,
    duration: float,
    probe: CpuProbe,
) -> Measurement:
    async with mcp_sessions(url, bearer, sessions) as clients:

        def caller(client: Any) -> Call:
            async def call(post_id: int) -> bool:
                result = await client.call_tool(tool, {"id": post_id})
                return not result.is_error and _post_ok(result.structured_content, post_id)

            return call

        latencies, total, errors, cpu = await drive(
            [caller(c) for c in clients], warmup, duration, probe
        )
    return Measurement(setup, sessions, duration, latencies, total, errors, cpu)


async def hub_status(url: str) -> dict[str, Any]:
    async with mcp_sessions(f"{url}/system/mcp", MASTER_KEY, 1) as (client,):
        result = await client.call_tool("hub_status", {})
        if result.is_error:
            raise SystemExit(f"hub_status failed: {result.content}")
        return dict(result.structured_content or {})


def count_logged_events(data_dir: Path) -> Counter[str]:
    """Event types in the hub's log (read after the hub stopped); ToolCall events of tools
    other than wp_get_post are shown apart."""
    counts: Counter[str] = Counter()
    db = sqlite3.connect(f"file:{data_dir / 'events.sqlite3'}?mode=ro", uri=True)
    try:
        for topic, state in db.execute("SELECT topic, state FROM stored_events"):
            kind = str(topic).rsplit(":", 1)[-1]
            if kind.startswith("ToolCall.Requested"):
                try:
                    tool = json.loads(state).get("tool")
                except (ValueError, UnicodeDecodeError, AttributeError):
                    tool = None
                if tool != "wp_get_post":
                    kind = f"{kind} ({tool})"
            counts[kind] += 1
    finally:
        db.close()
    return counts


# -- the run -------------------------------------------------------------------------------------


@dataclass
class HubRound:
    sessions: int
    calls: int
    events: int
    batches: int | None
    appends: int | None


@dataclass
class HubFigures:
    rounds: list[HubRound] = field(default_factory=list)
    logged: Counter[str] = field(default_factory=Counter)


def _writer(status: dict[str, Any]) -> tuple[int | None, int | None]:
    writer = status.get("event_writer")
    if not isinstance(writer, dict):
        return None, None
    return writer.get("batches"), writer.get("appends")


def _report(m: Measurement) -> None:
    cpu = " ".join(f"{k} {v / m.duration * 100:.0f}%" for k, v in m.cpu.items())
    print(
        f"  {m.setup:<6} {m.sessions} session(s): {m.rate:8.1f} calls/s, "
        f"p50 {m.percentile_ms(0.5):6.2f} ms, p99 {m.percentile_ms(0.99):6.2f} ms, "
        f"{m.errors} errors; CPU {cpu}",
        flush=True,
    )


async def run_all(
    args: argparse.Namespace, procs: Processes
) -> tuple[list[Measurement], HubFigures | None]:
    """Start every server, then per session count run the setups in turn, ``rounds`` times
    (interleaved, so that a change in background load hits every setup alike)."""
    site = procs.start("site", _python_child("fake-wp"))
    print(f"fake WordPress: {site.url} (pid {site.process.pid})")
    bare = hub = None
    key = ""
    data_dir = procs.workdir / "hub-data"
    if "bare" in args.setups:
        bare = procs.start("bare", _python_child("bare", "--upstream", site.url))
        print(f"bare mcp-SDK server: {bare.url}/mcp (pid {bare.process.pid})")
    if "hub" in args.setups:
        key = prepare_hub(data_dir, site.url, procs.workdir)
        hub = procs.start("hub", [_mcphub(), "serve", "--port", "0"], env=_hub_env(data_dir))
        print(f"hub (mcphub serve): {hub.url}/project/{ALIAS}/mcp (pid {hub.process.pid})")
    probe = CpuProbe(list(procs.children))
    results: list[Measurement] = []
    figures = HubFigures() if hub is not None else None
    for n in args.sessions:
        for _ in range(args.rounds):
            for setup in args.setups:
                if setup == "direct":
                    m = await measure_direct(site, n, args.warmup, args.duration, probe)
                elif setup == "bare" and bare is not None:
                    m = await measure_mcp(
                        "bare",
                        f"{bare.url}/mcp",
                        None,
                        "get_post",
                        n,
                        args.warmup,
                        args.duration,
                        probe,
                    )
                elif setup == "hub" and hub is not None and figures is not None:
                    before = await hub_status(hub.url)
                    m = await measure_mcp(
                        "hub",
                        f"{hub.url}/project/{ALIAS}/mcp",
                        key,
                        "wp_get_post",
                        n,
                        args.warmup,
                        args.duration,
                        probe,
                    )
                    after = await hub_status(hub.url)
                    # Between the two reads the log also gains the first read's Completed and
                    # the second's Requested: 2 events, 2 appends, 2 commits (nothing else runs).
                    events = int(after["log_position"]) - int(before["log_position"]) - 2
                    (b0, a0), (b1, a1) = _writer(before), _writer(after)
                    batches = None if b0 is None or b1 is None else b1 - b0 - 2
                    appends = None if a0 is None or a1 is None else a1 - a0 - 2
                    figures.rounds.append(HubRound(n, m.calls_total, events, batches, appends))
                else:
                    continue
                _report(m)
                results.append(m)
    if hub is not None and figures is not None:
        hub.stop()
        figures.logged = count_logged_events(data_dir)
    return results, figures


@dataclass
class Row:
    setup: str
    sessions: int
    rate: float
    p50: float
    p99: float
    calls: int
    errors: int
    cpu_ms: float
    cpu: dict[str, float]


def combine(results: list[Measurement]) -> dict[tuple[str, int], Row]:
    """Per setup and session count, the median over rounds of each figure."""
    groups: dict[tuple[str, int], list[Measurement]] = {}
    for m in results:
        groups.setdefault((m.setup, m.sessions), []).append(m)
    rows = {}
    for (setup, n), ms in groups.items():
        rows[setup, n] = Row(
            setup,
            n,
            statistics.median(m.rate for m in ms),
            statistics.median(m.percentile_ms(0.5) for m in ms),
            statistics.median(m.percentile_ms(0.99) for m in ms),
            sum(len(m.latencies) for m in ms),
            sum(m.errors for m in ms),
            statistics.median(m.cpu_ms_per_call for m in ms),
            {k: statistics.median(m.cpu[k] / m.duration * 100 for m in ms) for k in ms[0].cpu},
        )
    return rows


def print_summary(
    args: argparse.Namespace, results: list[Measurement], hub: HubFigures | None
) -> None:
    rows = combine(results)
    rounds = f", median of {args.rounds} rounds" if args.rounds > 1 else ""
    print()
    print(
        f"tool calls ({args.duration:g} s measured per round{rounds}); CPU ms/call: the serving "
        "process's CPU (bare, hub; direct: this process) per call"
    )
    print(
        f"{'setup':<8}{'sessions':>9}{'calls/s':>10}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'calls':>8}{'errors':>8}{'CPU ms/call':>12}   CPU in window, % of one core"
    )
    for n in args.sessions:
        for setup in args.setups:
            r = rows.get((setup, n))
            if r is None:
                continue
            cpu = "  ".join(f"{k} {v:.0f}" for k, v in r.cpu.items() if v >= 0.5)
            print(
                f"{r.setup:<8}{r.sessions:>9}{r.rate:>10.1f}{r.p50:>9.2f}{r.p99:>9.2f}"
                f"{r.calls:>8}{r.errors:>8}{r.cpu_ms:>12.2f}   {cpu}"
            )
    print()
    low, high = min(args.sessions), max(args.sessions)
    hub_high, bare_high = rows.get(("hub", high)), rows.get(("bare", high))
    if hub_high and bare_high and bare_high.rate:
        ratio = hub_high.rate / bare_high.rate
        verdict = "meets" if ratio >= TARGET_THROUGHPUT_RATIO else "MISSES"
        print(
            f"hub/bare throughput at {high} sessions: {ratio:6.3f}    "
            f"target >= {TARGET_THROUGHPUT_RATIO:.2f}     {verdict}"
        )
    hub_low, bare_low = rows.get(("hub", low)), rows.get(("bare", low))
    if hub_low and bare_low:
        added = hub_low.p50 - bare_low.p50
        verdict = "meets" if added <= TARGET_ADDED_P50_MS else "MISSES"
        print(
            f"hub - bare p50 at {low} session:     {added:+6.2f} ms "
            f"target <= +{TARGET_ADDED_P50_MS:.2f} ms  {verdict}"
        )
    for n in args.sessions:
        hub_row, bare_row = rows.get(("hub", n)), rows.get(("bare", n))
        if hub_row and bare_row and bare_row.cpu_ms:
            print(
                f"server CPU per call at {n} session(s): hub {hub_row.cpu_ms:.2f} ms, bare "
                f"{bare_row.cpu_ms:.2f} ms, ratio {hub_row.cpu_ms / bare_row.cpu_ms:.2f} "
                "(a CPU-bound hub reaches about 1/ratio of the bare throughput)"
            )
    for setup in ("bare", "hub"):
        for n in args.sessions:
            mcp, direct = rows.get((setup, n)), rows.get(("direct", n))
            if mcp and direct and direct.rate:
                print(
                    f"{setup}/direct at {n} session(s): throughput {mcp.rate / direct.rate:.3f}, "
                    f"p50 {mcp.p50 - direct.p50:+.2f} ms"
                )
    busy = [r.cpu.get("others", 0.0) for r in rows.values()]
    if busy and max(busy) > 20:
        print(
            f"warning: other processes on this machine used up to {max(busy):.0f}% of a core "
            "during the measurements; the figures are noisy (compare setups within a round)"
        )
    if hub is None:
        return
    print()
    calls = sum(r.calls for r in hub.rounds)
    events = sum(r.events for r in hub.rounds)
    print(
        f"hub event log: +{events} events for {calls} wp_get_post calls (warm-up included) = "
        f"{events / max(calls, 1):.3f} per call (expected 2: Requested + Completed)"
    )
    for n in args.sessions:
        mine = [r for r in hub.rounds if r.sessions == n]
        line = f"  {n} session(s): {sum(r.calls for r in mine)} calls"
        if all(r.batches is not None and r.appends is not None for r in mine):
            batches = sum(r.batches or 0 for r in mine)
            appends = sum(r.appends or 0 for r in mine)
            line += (
                f", group-commit writer: {appends} appends in {batches} commits "
                f"({appends / max(batches, 1):.2f} appends per commit)"
            )
        else:
            line += ", group-commit batches not observable (hub_status shows no event_writer)"
        print(line)
    print("  log after the run: " + ", ".join(f"{k} {v}" for k, v in sorted(hub.logged.items())))
    print("  rate limits: the hub has none yet (nothing to raise)")


def _fs_type(path: Path) -> str:
    best, kind = "", "?"
    with contextlib.suppress(OSError), open("/proc/mounts") as mounts:
        for line in mounts:
            parts = line.split()
            if len(parts) > 2 and str(path).startswith(parts[1]) and len(parts[1]) > len(best):
                best, kind = parts[1], parts[2]
    return kind


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds")
    parser.add_argument(
        "--sessions",
        type=lambda s: sorted({int(x) for x in s.split(",")}),
        default=[1, 8],
        help="concurrent sessions, comma-separated (default 1,8)",
    )
    parser.add_argument(
        "--setups",
        type=lambda s: [x.strip() for x in s.split(",")],
        default=["direct", "bare", "hub"],
        help="which setups to run (default direct,bare,hub)",
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="interleaved rounds per row; medians are shown"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="keep files here")
    parser.add_argument("--role", choices=["fake-wp", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--upstream", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.role == "fake-wp":
        serve_fake_wordpress()
        return
    if args.role == "bare":
        serve_bare(args.upstream)
        return

    keep = args.workdir is not None
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-tool-call-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(
        f"tool-call benchmark: {args.warmup:g} s warm-up + {args.duration:g} s measured per row; "
        f"{os.cpu_count()} CPUs; files in {workdir} ({_fs_type(workdir.resolve())})"
    )
    procs = Processes(workdir)
    # SIGTERM and SIGHUP end the run like Ctrl-C: through the finally that stops the servers.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    try:
        results, hub = asyncio.run(run_all(args, procs))
    except KeyboardInterrupt:
        print("interrupted; stopping the servers", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        procs.stop_all()
        if not keep:
            import shutil  # noqa: PLC0415

            shutil.rmtree(workdir, ignore_errors=True)
    print_summary(args, results, hub)


if __name__ == "__main__":
    main()
