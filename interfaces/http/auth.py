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
from domain.principal import Principal
from domain.scopes import Scope
from interfaces.http.errors import ApiError

_QUERY_CREDENTIAL_NAMES = frozenset(
    {"access_token", "token", "api_key", "apikey", "key", "bearer", "authorization", "master_key"}
)

bearer_scheme = HTTPBearer(auto_error=False, description="Master key or an admin-scoped API key")


def query_carries_credential(query: str) -> bool:
    for pair in query.split("&"):
        name = unquote_plus(pair.partition("=")[0]).strip().lower().replace("-", "_")
        if name in _QUERY_CREDENTIAL_NAMES:
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
