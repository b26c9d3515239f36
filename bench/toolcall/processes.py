"""Starting and stopping the server processes, and the CPU each of them (and this process and
the rest of the machine) used."""

from __future__ import annotations

import math
import os
import re
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

STARTUP_SECONDS = 60.0
CLK_TCK = os.sysconf("SC_CLK_TCK")
# The entry point the children run with ``--role`` (the fake site, the bare server).
ENTRY_POINT = Path(__file__).resolve().parents[1] / "tool_call.py"


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


def python_child(role: str, *extra: str) -> list[str]:
    return [sys.executable, str(ENTRY_POINT), "--role", role, *extra]


def mcphub() -> str:
    return str(Path(sys.executable).with_name("mcphub"))


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
