"""The load generator: N sessions of the official SDK client (or, for direct, a pooled
``httpx.AsyncClient``), each calling in a loop; the calls completing in the measured window,
their latencies and the CPU used meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from toolcall.bare_server import upstream_client
from toolcall.constants import POST_IDS
from toolcall.processes import Child, CpuProbe

CALL_TIMEOUT_SECONDS = 30.0


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


def post_ok(data: Any, post_id: int) -> bool:
    return isinstance(data, dict) and data.get("id") == post_id


async def measure_direct(
    site: Child, sessions: int, warmup: float, duration: float, probe: CpuProbe
) -> Measurement:
    async with upstream_client(site.url) as client:

        async def call(post_id: int) -> bool:
            response = await client.get(f"/wp-json/wp/v2/posts/{post_id}")
            return response.status_code == 200 and post_ok(response.json(), post_id)

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
                return not result.is_error and post_ok(result.structured_content, post_id)

            return call

        latencies, total, errors, cpu = await drive(
            [caller(c) for c in clients], warmup, duration, probe
        )
    return Measurement(setup, sessions, duration, latencies, total, errors, cpu)
