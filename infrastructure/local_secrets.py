"""Development secrets generated into the data directory (0600), with provenance for doctor.

In production every secret is set explicitly; here a fresh machine still starts with one
command. Files are created atomically with ``O_EXCL`` and mode 0600, never widened later.
"""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from infrastructure.settings import HubSettings

SECRETS_DIR = "secrets"


@dataclass
class ResolvedSecrets:
    master_key: str
    encryption_key: str
    retired_encryption_keys: list[str]
    pepper: str
    pseudonymisation_key: str
    generated: dict[str, Path] = field(default_factory=dict)
    """Setting name -> file, for every secret that was generated rather than set."""
    master_key_created_now: bool = False


def _read_or_create(path: Path, make: str) -> tuple[str, bool]:
    # The data directory first: mkdir(parents=True) gives parents the umask's default mode.
    path.parent.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.parent.mkdir(exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip(), False
    with os.fdopen(fd, "w") as handle:
        handle.write(make + "\n")
    return make, True


def _random_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def resolve_secrets(settings: HubSettings, *, create: bool = True) -> ResolvedSecrets:
    """Each secret from its setting, else from (or newly into) ``DATA_DIR/secrets``."""
    folder = settings.data_dir / SECRETS_DIR
    generated: dict[str, Path] = {}
    created_master = False

    def pick(name: str, given: str | None, make: str) -> str:
        nonlocal created_master
        if given:
            return given
        path = folder / name.lower()
        if not create and not path.exists():
            raise FileNotFoundError(f"{name} is not set and {path} does not exist")
        value, created = _read_or_create(path, make)
        generated[name] = path
        if created and name == "MASTER_API_KEY":
            created_master = True
        return value

    def get(secret: object) -> str | None:
        return secret.get_secret_value() if secret is not None else None  # type: ignore[attr-defined]

    resolved = ResolvedSecrets(
        master_key=pick("MASTER_API_KEY", get(settings.master_api_key), secrets.token_urlsafe(32)),
        encryption_key=pick("ENCRYPTION_KEY", get(settings.encryption_key), _random_key()),
        retired_encryption_keys=[k.get_secret_value() for k in settings.encryption_keys_retired],
        pepper=pick("KEY_DIGEST_PEPPER", get(settings.key_digest_pepper), _random_key()),
        pseudonymisation_key=pick(
            "PSEUDONYMISATION_KEY", get(settings.pseudonymisation_key), _random_key()
        ),
    )
    resolved.generated = generated
    resolved.master_key_created_now = created_master
    return resolved
