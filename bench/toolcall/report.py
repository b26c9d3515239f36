"""The report: a line per measurement, the table of medians and the target lines."""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass

from toolcall.hub import HubFigures
from toolcall.load import Measurement

TARGET_THROUGHPUT_RATIO = 0.9  # hub / bare at 8 sessions
TARGET_ADDED_P50_MS = 1.0  # hub - bare at 1 session


def print_measurement(m: Measurement) -> None:
    cpu = " ".join(f"{k} {v / m.duration * 100:.0f}%" for k, v in m.cpu.items())
    print(
        f"  {m.setup:<6} {m.sessions} session(s): {m.rate:8.1f} calls/s, "
        f"p50 {m.percentile_ms(0.5):6.2f} ms, p99 {m.percentile_ms(0.99):6.2f} ms, "
        f"{m.errors} errors; CPU {cpu}",
        flush=True,
    )


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
