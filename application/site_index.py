"""The in-memory site index: alias -> the live project's connection (credentials still sealed).

The hot path of a tool call reads it instead of loading the ``Project`` aggregate from the
store; it follows the log like the key index, so a credential change or a retirement reaches
every process within one poll interval (and the performing process at once).
"""

from __future__ import annotations

from typing import Any

from application.memory_view import InMemoryDocumentView
from application.ports import SecretBox, ViewTransaction
from application.project_commands import seal_context
from application.projections import Projection, topics_of
from application.sites import SiteConnection
from domain.project import Project

_SEALED = ("wp_password", "wc_key", "wc_secret")


class SiteIndexProjection(Projection):
    name = "site_index"
    topics = topics_of(Project.Registered, Project.CredentialsChanged, Project.Retired)

    def apply(self, event: Any, tx: ViewTransaction) -> None:
        link_key = str(event.originator_id)
        if isinstance(event, Project.Registered):
            alias = event.alias
            tx.put(link_key, {"alias": alias})
            doc: dict[str, Any] = {"project_id": event.originator_id, "base_url": event.base_url}
        else:
            link = tx.get(link_key)
            if link is None:
                return
            alias = link["alias"]
            if isinstance(event, Project.Retired):
                tx.delete(f"site:{alias}")
                return
            current = tx.get(f"site:{alias}")
            if current is None:
                return
            doc = current
        doc.update(
            wp_user=event.wp_user,
            wp_password=event.wp_password,
            wc_key=event.wc_key,
            wc_secret=event.wc_secret,
        )
        tx.put(f"site:{alias}", doc)


class SiteDirectory:
    """Opens a live project's connection for a site call. Secrets leave the box only here."""

    def __init__(self, index: InMemoryDocumentView, box: SecretBox) -> None:
        self._index = index
        self._box = box
        # alias -> (the index document it was opened from, the opened connection). A change
        # to the project replaces the document, so identity tells whether the entry is current.
        self._opened: dict[str, tuple[object, SiteConnection]] = {}

    def exists(self, alias: str) -> bool:
        return self._index.peek(f"site:{alias}") is not None

    def connection(self, alias: str) -> SiteConnection | None:
        doc = self._index.peek(f"site:{alias}")
        if doc is None:
            self._opened.pop(alias, None)
            return None
        cached = self._opened.get(alias)
        if cached is not None and cached[0] is doc:
            return cached[1]
        opened = {
            field: self._box.open(doc[field], seal_context(doc["project_id"], field))
            for field in _SEALED
            if doc[field] is not None
        }
        connection = SiteConnection(
            alias=alias, base_url=doc["base_url"], wp_user=doc["wp_user"], **opened
        )
        self._opened[alias] = (doc, connection)
        return connection
