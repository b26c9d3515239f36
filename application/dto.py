"""What use cases return: plain data, never aggregates."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class KeyInfo(BaseModel):
    """An API key as an admin sees it. The secret is never part of it."""

    model_config = ConfigDict(frozen=True)

    key_id: str
    prefix: str = Field(description="The public part of the key, safe to show and log.")
    project: str | None = Field(description="The project the key is bound to; null: all projects.")
    scope: str
    label: str
    status: str = Field(description="active, expired or revoked")
    issued_by: str
    created_at: str | None
    expires_at: str | None
    rotated_at: str | None
    revoked_at: str | None
    last_used_at: str | None


class IssuedKey(BaseModel):
    """The answer to issuing or rotating a key: the only time the secret is shown."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(description="The whole key. Shown once; store it now.")
    info: KeyInfo


class ProjectInfo(BaseModel):
    """A managed site as an admin sees it. Credentials are never returned, only whether set."""

    model_config = ConfigDict(frozen=True)

    alias: str
    base_url: str
    wp_user: str
    has_woocommerce: bool
    status: str
    created_at: str | None
    credentials_changed_at: str | None
    registered_by: str


class SiteCredentials(BaseModel):
    """Plaintext credentials, as given by an operator; they exist only in memory."""

    model_config = ConfigDict(frozen=True)

    wp_user: str
    wp_password: str
    wc_key: str | None = None
    wc_secret: str | None = None

    def __repr__(self) -> str:
        return f"SiteCredentials(wp_user={self.wp_user!r}, secrets=[masked])"

    __str__ = __repr__
