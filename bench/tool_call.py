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
import contextlib
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from toolcall.bare_server import serve_bare
from toolcall.fake_site import serve_fake_wordpress
from toolcall.processes import Processes
from toolcall.report import print_summary
from toolcall.run import run_all


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
