"""``/api/v1/projects``: managed sites. Credentials go in, and never come out."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from application.dto import ProjectInfo, SiteCredentials
from application.hub import Hub
from domain.errors import InvalidValueError
from interfaces.http.auth import Admin
from interfaces.http.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/v1/projects", tags=["projects"], responses=ERROR_RESPONSES)


class WordPressConnection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str = Field(min_length=1, max_length=60)
    application_password: SecretStr = Field(min_length=1, max_length=500)


class WooCommerceConnection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    consumer_key: SecretStr = Field(min_length=1, max_length=500)
    consumer_secret: SecretStr = Field(min_length=1, max_length=500)


class Connection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    wordpress: WordPressConnection
    woocommerce: WooCommerceConnection | None = None

    def credentials(self) -> SiteCredentials:
        wc = self.woocommerce
        return SiteCredentials(
            wp_user=self.wordpress.user,
            wp_password=self.wordpress.application_password.get_secret_value(),
            wc_key=wc.consumer_key.get_secret_value() if wc else None,
            wc_secret=wc.consumer_secret.get_secret_value() if wc else None,
        )


class ProjectCreate(Connection):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "alias": "shop",
                    "base_url": "https://shop.example.com",
                    "wordpress": {"user": "admin", "application_password": "abcd EFGH 1234 ijkl"},
                }
            ]
        },
    )
    alias: str = Field(min_length=1, max_length=40)
    base_url: str = Field(min_length=1, max_length=2000)


# Domain field names -> the names a client sent them under.
_API_FIELDS = {
    "wp_user": "wordpress.user",
    "wp_password": "wordpress.application_password",
    "wc_key": "woocommerce.consumer_key",
    "wc_secret": "woocommerce.consumer_secret",
}


@contextmanager
def _api_field_names() -> Iterator[None]:
    try:
        yield
    except InvalidValueError as error:
        error.field = _API_FIELDS.get(error.field or "", error.field)
        raise


def _hub(request: Request) -> Hub:
    hub: Hub = request.app.state.container.hub
    return hub


@router.get("", summary="List active projects")
def list_projects(request: Request, who: Admin) -> list[ProjectInfo]:
    return _hub(request).list_projects(who)


@router.post("", status_code=201, summary="Register a project (a managed site)")
def add_project(request: Request, body: ProjectCreate, who: Admin) -> ProjectInfo:
    with _api_field_names():
        return _hub(request).register_project(who, body.alias, body.base_url, body.credentials())


@router.get("/{alias}", summary="Show one project")
def get_project(request: Request, alias: str, who: Admin) -> ProjectInfo:
    return _hub(request).get_project(who, alias)


@router.put(
    "/{alias}/credentials",
    summary="Replace the project's site credentials",
    description=(
        "Replaces the WordPress connection. The WooCommerce connection is replaced when "
        "`woocommerce` is given, removed when it is `null`, and kept when it is left out."
    ),
)
def set_credentials(request: Request, alias: str, body: Connection, who: Admin) -> ProjectInfo:
    # Leaving "woocommerce" out keeps the shop connection; "woocommerce": null removes it.
    keep = "woocommerce" not in body.model_fields_set
    with _api_field_names():
        return _hub(request).change_project_credentials(
            who, alias, body.credentials(), keep_woocommerce=keep
        )


@router.delete("/{alias}", summary="Retire the project (its keys are revoked)")
def remove_project(request: Request, alias: str, who: Admin) -> ProjectInfo:
    return _hub(request).retire_project(who, alias)
