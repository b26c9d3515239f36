"""Reading tool calls back from the event log: every call is well formed, in hot-path order.

An admitted call is exactly ``Requested`` then ``Completed`` or ``Failed`` (one aggregate, the
request strictly first in the log); a refused call is exactly one ``Denied``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from mcp import types

from tests.e2e.mcp.hub_server import RecordedEvent


def by_call(events: Iterable[RecordedEvent]) -> list[list[RecordedEvent]]:
    """Events grouped per tool call (aggregate), in the order each call started."""
    groups: dict[str, list[RecordedEvent]] = {}
    for event in events:
        groups.setdefault(event.originator_id, []).append(event)
    return list(groups.values())


def check_call_log(events: Iterable[RecordedEvent]) -> list[tuple[str, str]]:
    """Assert every call is well formed; return ``(tool, outcome)`` per call, in order.

    ``outcome`` is ``completed``, ``failed:<error kind>`` or ``denied:<reason>``.
    """
    summary = []
    for call in by_call(events):
        kinds = [e.kind for e in call]
        first = call[0].event
        if kinds == ["Denied"]:
            summary.append((first.tool, f"denied:{first.reason}"))
            continue
        assert kinds in (["Requested", "Completed"], ["Requested", "Failed"]), (
            f"{call[0].originator_id}: {kinds}"
        )
        requested, outcome = call
        assert requested.position < outcome.position
        assert outcome.event.originator_id == requested.event.originator_id
        assert outcome.event.originator_version == requested.event.originator_version + 1
        label = "completed" if outcome.kind == "Completed" else f"failed:{outcome.event.error_kind}"
        summary.append((first.tool, label))
    return summary


def requested(events: Iterable[RecordedEvent], tool: str) -> list[dict[str, Any]]:
    """The recorded arguments of every ``Requested`` for ``tool``."""
    return [e.event.arguments for e in events if e.kind == "Requested" and e.event.tool == tool]


def is_digest(value: Any, text: str) -> bool:
    """Whether ``value`` is the minimised form of ``text``: a keyed digest and its length."""
    return (
        isinstance(value, dict)
        and set(value) == {"digest", "length"}
        and value["length"] == len(text)
        and isinstance(value["digest"], str)
        and text not in value["digest"]
    )


def result_data(result: types.CallToolResult) -> Any:
    """The JSON a successful tool call returned."""
    text = _text(result)
    assert not result.is_error, text
    return json.loads(text)


def error_text(result: types.CallToolResult) -> str:
    """The message of a tool error (``isError: true``), checked to be clean."""
    text = _text(result)
    assert result.is_error, text
    message = json.loads(text)["error"]
    assert isinstance(message, str)
    for dirt in ("Traceback", "<html", "<body", 'File "'):
        assert dirt not in message, message
    return message


def _text(result: types.CallToolResult) -> str:
    assert len(result.content) == 1
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text
