"""The hub's own tools, served on ``/system/mcp``: status, projects, usage, recent activity, and
key management for admin principals. Every answer is limited to what the caller may see."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from application.hub import Hub
from application.key_registry import iso
from application.tools.spec import Annotations, ToolContext, ToolSpec
from application.usage import percentile
from domain.principal import Principal
from domain.scopes import Scope
from domain.tool_call import ToolCall

READ = Annotations(read_only=True, idempotent=True, open_world=False)
NO_ARGS: dict[str, Any] = {"type": "object", "properties": {}, "additionalProperties": False}
ALIAS = {"type": "string", "pattern": "^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"}
KEY_ID = {"type": "string", "pattern": "^[a-z2-7]{12}$"}


def _visible_projects(hub: Hub, principal: Principal) -> list[dict[str, Any]]:
    return [
        {k: doc[k] for k in ("alias", "base_url", "has_woocommerce", "status", "created_at")}
        for doc in hub.project_registry.all()
        if doc["status"] == "active" and principal.covers_project(doc["alias"])
    ]


def _usage_rows(hub: Hub, principal: Principal) -> list[dict[str, Any]]:
    rows = []
    for doc in hub.usage.all():
        kind = doc.get("kind")
        if kind is None:
            continue  # a call still in flight
        if principal.project is not None and not (
            kind == "project" and doc["name"] == principal.project
        ):
            continue
        timed = doc["completed"] + doc["failed"]
        rows.append(
            {
                "kind": kind,
                "name": doc["name"],
                "calls": doc["calls"],
                "completed": doc["completed"],
                "failed": doc["failed"],
                "denied": doc["denied"],
                "mean_ms": round(doc["duration_ms_sum"] / timed, 2) if timed else None,
                "p50_ms": percentile(doc, 0.5),
                "p99_ms": percentile(doc, 0.99),
            }
        )
    return rows


RECENT_WINDOW = 2000


def _outcome(event: Any) -> str | None:
    if isinstance(event, ToolCall.Denied):
        return f"denied: {event.reason}"
    if isinstance(event, ToolCall.Failed):
        return f"failed: {event.error_kind}"
    if isinstance(event, ToolCall.Completed):
        return "completed"
    return None


def _recent(hub: Hub, principal: Principal, limit: int) -> list[dict[str, Any]]:
    """The newest ``limit`` entries among the last ``RECENT_WINDOW`` events, newest first."""
    end = hub.recorder.max_notification_id() or 0
    start = max(1, end - RECENT_WINDOW + 1)
    entries = []
    for notification in hub.recorder.select_notifications(
        start=start, limit=RECENT_WINDOW, stop=end
    ):
        event: Any = hub.mapper.to_domain_event(notification)
        project = getattr(event, "project", None) or getattr(event, "alias", None)
        if principal.project is not None and project != principal.project:
            continue
        entries.append(
            {
                "position": notification.id,
                "at": iso(event.timestamp),
                "event": type(event).__qualname__,
                "actor": getattr(event, "actor", None),
                "project": project,
                "tool": getattr(event, "tool", None),
                "outcome": _outcome(event),
            }
        )
    return entries[-limit:][::-1]


def system_tools(hub: Hub, version: str) -> list[ToolSpec]:
    async def status(ctx: ToolContext, args: Mapping[str, Any]) -> Any:
        def read() -> dict[str, Any]:
            return {
                "version": version,
                "log_position": hub.recorder.max_notification_id() or 0,
                "projects": len(_visible_projects(hub, ctx.principal)),
                "projections": {
                    name: {"position": f.view.position(), "error": bool(f.last_error)}
                    for name, f in hub.projections.followers.items()
                },
                # Group commit: how many commits (batches) the tool-call appends took.
                "event_writer": {"batches": hub.writer.batches, "appends": hub.writer.appends},
                "you": {
                    "actor": ctx.principal.actor,
                    "scope": ctx.principal.scope.value,
                    "project": ctx.principal.project,
                },
            }

        return await asyncio.to_thread(read)

    async def projects(ctx: ToolContext, args: Mapping[str, Any]) -> Any:
        return {"projects": await asyncio.to_thread(_visible_projects, hub, ctx.principal)}

    async def usage(ctx: ToolContext, args: Mapping[str, Any]) -> Any:
        return {"usage": await asyncio.to_thread(_usage_rows, hub, ctx.principal)}

    async def recent(ctx: ToolContext, args: Mapping[str, Any]) -> Any:
        limit = int(args.get("limit", 20))
        return {"entries": await asyncio.to_thread(_recent, hub, ctx.principal, limit)}

    async def list_keys(ctx: ToolContext, args: Mapping[str, Any]) -> Any:
        keys = await asyncio.to_thread(hub.list_keys, ctx.principal)
        return {"keys": [k.model_dump() for k in keys]}

    async def issue_key(ctx: ToolContext, args: Mapping[str, Any]) -> Any:
        issued = await asyncio.to_thread(
            hub.issue_key,
            ctx.principal,
            args.get("project"),
            args["scope"],
            None,
            args.get("label", ""),
        )
        return {"key": issued.key, "shown_once": True, "info": issued.info.model_dump()}

    async def revoke_key(ctx: ToolContext, args: Mapping[str, Any]) -> Any:
        info = await asyncio.to_thread(
            hub.revoke_key, ctx.principal, args["key_id"], args.get("reason", "")
        )
        return {"key": info.model_dump()}

    return [
        ToolSpec(
            "hub_status",
            "Hub status",
            "Version, log position, projection health and who you are.",
            "system",
            Scope.READ,
            NO_ARGS,
            READ,
            handler=status,
        ),
        ToolSpec(
            "hub_list_projects",
            "Projects",
            "The projects (sites) this credential can reach.",
            "system",
            Scope.READ,
            NO_ARGS,
            READ,
            handler=projects,
        ),
        ToolSpec(
            "hub_usage",
            "Usage",
            "Tool calls per tool, project and client: counts, failures, latency.",
            "system",
            Scope.READ,
            NO_ARGS,
            READ,
            handler=usage,
        ),
        ToolSpec(
            "hub_recent_activity",
            "Recent activity",
            "The latest audit entries (event, time, actor, project, tool) you may see.",
            "system",
            Scope.READ,
            {
                "type": "object",
                "properties": {"limit": {"type": "integer", "minimum": 1, "maximum": 200}},
                "additionalProperties": False,
            },
            READ,
            handler=recent,
        ),
        ToolSpec(
            "hub_list_keys",
            "API keys",
            "The API keys this admin credential manages (never their secrets).",
            "system",
            Scope.ADMIN,
            NO_ARGS,
            READ,
            handler=list_keys,
        ),
        ToolSpec(
            "hub_issue_key",
            "Issue an API key",
            "Issue a key for a project within your reach and scope; the key is shown once.",
            "system",
            Scope.ADMIN,
            {
                "type": "object",
                "properties": {
                    "project": ALIAS,
                    "scope": {"enum": ["read", "write", "admin"]},
                    "label": {"type": "string", "maxLength": 200},
                },
                "required": ["project", "scope"],
                "additionalProperties": False,
            },
            Annotations(open_world=False),
            handler=issue_key,
        ),
        ToolSpec(
            "hub_revoke_key",
            "Revoke an API key",
            "Revoke a key you manage; it stops working at once.",
            "system",
            Scope.ADMIN,
            {
                "type": "object",
                "properties": {"key_id": KEY_ID, "reason": {"type": "string", "maxLength": 200}},
                "required": ["key_id"],
                "additionalProperties": False,
            },
            Annotations(destructive=True, idempotent=True, open_world=False),
            handler=revoke_key,
        ),
    ]
