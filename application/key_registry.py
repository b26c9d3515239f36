"""The key registry projection: what an admin sees of each API key (never its digest)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from application.ports import ViewTransaction
from application.projections import Projection
from domain.api_key import ApiKey


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def _actor_key_id(event: Any) -> str | None:
    actor = getattr(event, "actor", "")
    return actor[4:] if isinstance(actor, str) and actor.startswith("key:") else None


class KeyRegistryProjection(Projection):
    """Key id, prefix, project, scope, label, status, created, expires, rotated, revoked and
    last used. "Last used" is the time of the latest event the key caused as an actor."""

    name = "key_registry"
    topics = ()  # every event: any event may carry a key as its actor

    def apply(self, event: Any, tx: ViewTransaction) -> None:
        if isinstance(event, ApiKey.Issued):
            tx.put(
                str(event.originator_id),
                {
                    "key_id": event.key_id,
                    "prefix": event.prefix,
                    "project": event.project,
                    "project_id": str(event.project_id) if event.project_id else None,
                    "scope": event.scope,
                    "label": event.label,
                    "status": "active",
                    "issued_by": event.actor,
                    "created_at": iso(event.timestamp),
                    "expires_at": iso(event.expires_at),
                    "rotated_at": None,
                    "revoked_at": None,
                    "last_used_at": None,
                },
            )
        elif isinstance(event, ApiKey.Rotated | ApiKey.Revoked):
            doc = tx.get(str(event.originator_id))
            if doc is not None:
                if isinstance(event, ApiKey.Rotated):
                    doc["rotated_at"] = iso(event.timestamp)
                else:
                    doc["status"] = "revoked"
                    doc["revoked_at"] = iso(event.timestamp)
                tx.put(str(event.originator_id), doc)
        actor_key = _actor_key_id(event)
        if actor_key is not None:
            doc_key = registry_key(actor_key)
            doc = tx.get(doc_key)
            if doc is not None:
                doc["last_used_at"] = iso(event.timestamp)
                tx.put(doc_key, doc)


def registry_key(key_id: str) -> str:
    """Documents are keyed by the aggregate id, which the key id determines."""
    return str(ApiKey.create_id(key_id))
