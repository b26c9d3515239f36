"""The run: start every server, then measure the setups in turn."""

from __future__ import annotations

import argparse

from toolcall.constants import ALIAS
from toolcall.hub import (
    HubFigures,
    HubRound,
    count_logged_events,
    hub_env,
    hub_status,
    prepare_hub,
    writer_counts,
)
from toolcall.load import Measurement, measure_direct, measure_mcp
from toolcall.processes import CpuProbe, Processes, mcphub, python_child
from toolcall.report import print_measurement


async def run_all(
    args: argparse.Namespace, procs: Processes
) -> tuple[list[Measurement], HubFigures | None]:
    """Start every server, then per session count run the setups in turn, ``rounds`` times
    (interleaved, so that a change in background load hits every setup alike)."""
    site = procs.start("site", python_child("fake-wp"))
    print(f"fake WordPress: {site.url} (pid {site.process.pid})")
    bare = hub = None
    key = ""
    data_dir = procs.workdir / "hub-data"
    if "bare" in args.setups:
        bare = procs.start("bare", python_child("bare", "--upstream", site.url))
        print(f"bare mcp-SDK server: {bare.url}/mcp (pid {bare.process.pid})")
    if "hub" in args.setups:
        key = prepare_hub(data_dir, site.url, procs.workdir)
        hub = procs.start("hub", [mcphub(), "serve", "--port", "0"], env=hub_env(data_dir))
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
                    (b0, a0), (b1, a1) = writer_counts(before), writer_counts(after)
                    batches = None if b0 is None or b1 is None else b1 - b0 - 2
                    appends = None if a0 is None or a1 is None else a1 - a0 - 2
                    figures.rounds.append(HubRound(n, m.calls_total, events, batches, appends))
                else:
                    continue
                print_measurement(m)
                results.append(m)
    if hub is not None and figures is not None:
        hub.stop()
        figures.logged = count_logged_events(data_dir)
    return results, figures
