"""The project registry projection: each managed site as an admin sees it, without secrets."""

from __future__ import annotations

from typing import Any

from application.key_registry import iso
from application.ports import ViewTransaction
from application.projections import Projection, topics_of
from domain.project import Project


class ProjectRegistryProjection(Projection):
    name = "project_registry"
    topics = topics_of(Project.Registered, Project.CredentialsChanged, Project.Retired)

    def apply(self, event: Any, tx: ViewTransaction) -> None:
        key = str(event.originator_id)
        if isinstance(event, Project.Registered):
            tx.put(
                key,
                {
                    "alias": event.alias,
                    "base_url": event.base_url,
                    "wp_user": event.wp_user,
                    "has_woocommerce": event.wc_key is not None,
                    "status": "active",
                    "created_at": iso(event.timestamp),
                    "credentials_changed_at": None,
                    "registered_by": event.actor,
                },
            )
            return
        doc = tx.get(key)
        if doc is None:
            return
        if isinstance(event, Project.CredentialsChanged):
            doc["wp_user"] = event.wp_user
            doc["has_woocommerce"] = event.wc_key is not None
            doc["credentials_changed_at"] = iso(event.timestamp)
        else:
            doc["status"] = "retired"
        tx.put(key, doc)
