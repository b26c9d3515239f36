"""The usage projection: tool calls per tool, per project and per client, with outcomes and
latency (count, sum, max and a log-scale histogram from which percentiles are estimated)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from typing import Any

from application.ports import ViewTransaction
from application.projections import Projection, topics_of
from domain.tool_call import ToolCall

# Upper bounds (ms) of the latency buckets; the last bucket is open-ended.
BUCKETS_MS = (1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)


def _empty() -> dict[str, Any]:
    return {
        "calls": 0,
        "completed": 0,
        "failed": 0,
        "denied": 0,
        "duration_ms_sum": 0.0,
        "duration_ms_max": 0.0,
        "histogram": [0] * (len(BUCKETS_MS) + 1),
    }


def percentile(doc: dict[str, Any], fraction: float) -> float | None:
    """The bucket bound below which ``fraction`` of the timed calls finished."""
    counts: list[int] = doc["histogram"]
    total = sum(counts)
    if total == 0:
        return None
    rank = fraction * total
    seen = 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= rank:
            return float(BUCKETS_MS[index]) if index < len(BUCKETS_MS) else doc["duration_ms_max"]
    return float(doc["duration_ms_max"])


class UsageProjection(Projection):
    name = "usage"
    topics = topics_of(ToolCall.Requested, ToolCall.Completed, ToolCall.Failed, ToolCall.Denied)

    def apply(self, event: Any, tx: ViewTransaction) -> None:
        call_key = f"call:{event.originator_id}"
        if isinstance(event, ToolCall.Requested):
            subjects = {"tool": event.tool, "project": event.project, "client": event.client}
            tx.put(call_key, {**subjects, "actor": event.actor})
            self._count(tx, subjects, calls=1)
            return
        if isinstance(event, ToolCall.Denied):
            denied: dict[str, str | None] = {
                "tool": event.tool,
                "project": event.project,
                "client": event.client,
            }
            self._count(tx, denied, denied=int(event.count))
            return
        call = tx.get(call_key)
        if call is None:
            return
        tx.delete(call_key)
        subjects = {k: call[k] for k in ("tool", "project", "client")}
        outcome = "completed" if isinstance(event, ToolCall.Completed) else "failed"
        self._count(tx, subjects, duration_ms=float(event.duration_ms), **{outcome: 1})

    @staticmethod
    def _count(
        tx: ViewTransaction,
        subjects: Mapping[str, str | None],
        duration_ms: float | None = None,
        **increments: int,
    ) -> None:
        for kind, name in subjects.items():
            if not name:  # the hub's own tools have no project
                continue
            key = f"{kind}:{name}"
            doc = tx.get(key) or {"kind": kind, "name": name, **_empty()}
            for field, amount in increments.items():
                doc[field] += amount
            if duration_ms is not None:
                doc["duration_ms_sum"] += duration_ms
                doc["duration_ms_max"] = max(doc["duration_ms_max"], duration_ms)
                doc["histogram"][bisect_left(BUCKETS_MS, duration_ms)] += 1
            tx.put(key, doc)
