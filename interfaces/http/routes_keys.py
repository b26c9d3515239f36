"""``/api/v1/keys``: list, issue, show, rotate and revoke API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from application.dto import IssuedKey, KeyInfo
from application.hub import Hub
from interfaces.http.auth import Admin
from interfaces.http.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/keys", tags=["keys"], responses=ERROR_RESPONSES)


class KeyCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"project": "shop", "scope": "write", "label": "CI"}]},
    )

    project: str | None = Field(default=None, max_length=40, description="Bind to this project.")
    all_projects: bool = Field(default=False, description="Master key only: bind to every project.")
    scope: Literal["read", "write", "admin"]
    expires_at: datetime | None = Field(default=None, description="RFC 3339 with a timezone.")
    label: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _one_binding(self) -> KeyCreate:
        if (self.project is None) == (not self.all_projects):
            raise ValueError("give exactly one of project or all_projects=true")
        return self


class KeyRevoke(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="", max_length=200)


def _hub(request: Request) -> Hub:
    hub: Hub = request.app.state.container.hub
    return hub


@router.get("", summary="List the keys this credential manages")
def list_keys(request: Request, who: Admin) -> list[KeyInfo]:
    return _hub(request).list_keys(who)


@router.post("", status_code=201, summary="Issue a key (the secret is shown once)")
def issue_key(request: Request, response: Response, body: KeyCreate, who: Admin) -> IssuedKey:
    response.headers["Cache-Control"] = "no-store"
    return _hub(request).issue_key(
        who, body.project, body.scope, expires_at=body.expires_at, label=body.label
    )


@router.get("/{key_id}", summary="Show one key")
def get_key(request: Request, key_id: str, who: Admin) -> KeyInfo:
    return _hub(request).get_key(who, key_id)


@router.post("/{key_id}/rotate", summary="Give the key a new secret (shown once)")
def rotate_key(request: Request, response: Response, key_id: str, who: Admin) -> IssuedKey:
    response.headers["Cache-Control"] = "no-store"
    return _hub(request).rotate_key(who, key_id)


@router.post("/{key_id}/revoke", summary="Revoke the key")
def revoke_key(
    request: Request,
    key_id: str,
    who: Admin,
    body: Annotated[KeyRevoke | None, Body()] = None,
) -> KeyInfo:
    return _hub(request).revoke_key(who, key_id, body.reason if body else "")


@router.delete("/{key_id}", summary="Revoke the key (history keeps it)")
def delete_key(request: Request, key_id: str, who: Admin) -> KeyInfo:
    return _hub(request).revoke_key(who, key_id)
