"""Bearer authentication for the admin API (master key or an admin-scoped API key).

Credentials belong only in the ``Authorization`` header: a request that carries one in the query
string is refused before anything else, so that a token never lands in a URL log.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote_plus

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from application.hub import Hub
from application.redaction import redact_text
from application.secret_patterns import is_credential_name
from domain.principal import Principal
from domain.scopes import Scope
from interfaces.http.errors import ApiError

bearer_scheme = HTTPBearer(auto_error=False, description="Master key or an admin-scoped API key")


def query_carries_credential(query: str) -> bool:
    """True when a parameter is named like a credential (``access_token``, ``x-api-key``,
    ``password``, ``key[]``, percent-encoded or not) or its value looks like one (a hub key, a
    JWT, a bearer token) — whatever the name. The one redactor decides what looks like one."""
    for pair in query.split("&"):
        raw_name, _, raw_value = pair.partition("=")
        name = unquote_plus(raw_name).strip()
        if is_credential_name(name) or name.lower() == "bearer":
            return True
        value = unquote_plus(raw_value)
        if value and redact_text(value) != value:
            return True
    return False


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    if query_carries_credential(request.url.query):
        raise ApiError(400, "invalid_request", "credentials belong in the Authorization header")
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "unauthorized", "a bearer credential is required")
    hub: Hub = request.app.state.container.hub
    found = hub.authenticator.authenticate(credentials.credentials)
    if found is None:
        raise ApiError(401, "invalid_token", "the credential is not valid")
    return found


def admin(found: Annotated[Principal, Depends(principal)]) -> Principal:
    if not found.scope.includes(Scope.ADMIN):
        raise ApiError(403, "insufficient_scope", "this needs an admin-scoped credential")
    return found


Admin = Annotated[Principal, Depends(admin)]
