"""The deployment security checklist, one function per item (see :mod:`diagnosis`).

No check ever prints a secret's value: only where it came from, its length, and what is wrong.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from infrastructure.crypto import CryptoError
from infrastructure.local_secrets import SECRETS_DIR
from infrastructure.settings import MASTER_KEY_MIN_LENGTH
from interfaces.cli.diagnosis import (
    Check,
    Diagnosis,
    Finding,
    in_process_environment,
    postgres_location,
)

GENERATE_HINT = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
# Compared against the key lowercased with everything but letters and digits removed.
PLACEHOLDERS = (
    "changeme",
    "replaceme",
    "placeholder",
    "example",
    "yourkey",
    "yoursecret",
    "yourmaster",
    "masterkey",
    "masterapikey",
    "secretkey",
    "password",
    "insertkey",
    "xxxxxxxx",
    "12345678",
    "abcdefgh",
    "qwerty",
)
MIN_DISTINCT_CHARACTERS = 10
EXPLICIT_SECRETS = ("ENCRYPTION_KEY", "KEY_DIGEST_PEPPER", "PSEUDONYMISATION_KEY")


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def master_key_weakness(value: str) -> str | None:
    """Why this master key must not be used, or None."""
    if len(value) < MASTER_KEY_MIN_LENGTH:
        return (
            f"shorter than {MASTER_KEY_MIN_LENGTH} characters ({len(value)}); the hub refuses "
            f"to start with it; {GENERATE_HINT}"
        )
    folded = re.sub(r"[^a-z0-9]", "", value.lower())
    if any(word in folded for word in PLACEHOLDERS):
        return f"looks like a placeholder, not a random secret; {GENERATE_HINT}"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return f"too repetitive ({len(set(value))} distinct characters); {GENERATE_HINT}"
    return None


def check_settings(d: Diagnosis) -> Iterator[Finding]:
    settings = d.require_settings()
    env_file = d.cwd / ".env"
    source = f"environment and {env_file}" if env_file.exists() else "environment (no .env)"
    yield Finding("PASS", "settings", f"loaded from the {source}; DATA_DIR={settings.data_dir}")


def check_master_key(d: Diagnosis) -> Iterator[Finding]:
    settings = d.require_settings()
    if settings.master_api_key is not None:
        value = settings.master_api_key.get_secret_value()
        source = "the environment" if in_process_environment("MASTER_API_KEY") else ".env"
        weakness = master_key_weakness(value)
        if weakness is not None:
            yield Finding("FAIL", "master key", f"MASTER_API_KEY from {source} is {weakness}")
        else:
            yield Finding("PASS", "master key", f"set in {source} ({len(value)} characters)")
        return
    secrets = d.secrets()
    path = secrets.generated.get("MASTER_API_KEY")
    weakness = master_key_weakness(secrets.master_key)
    if weakness is not None:
        yield Finding("FAIL", "master key", f"the key stored in {path} is {weakness}")
        return
    created = "generated just now" if secrets.master_key_created_now else "generated"
    yield Finding(
        "WARN",
        "master key",
        f"MASTER_API_KEY is not set; {created} into {path}: development setup. "
        "For production set MASTER_API_KEY (32+ random characters).",
    )


def check_explicit_secrets(d: Diagnosis) -> Iterator[Finding]:
    secrets = d.secrets()
    for name in EXPLICIT_SECRETS:
        path = secrets.generated.get(name)
        if path is None:
            yield Finding("PASS", f"secret {name}", "set explicitly")
        else:
            yield Finding(
                "WARN",
                f"secret {name}",
                f"generated into {path}: development setup; set {name} explicitly and keep a "
                "backup (losing it loses what it protects)",
            )


def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess[str] | None:
    git = shutil.which("git")
    if git is None:
        return None
    return subprocess.run(  # noqa: S603 - fixed argument list, no shell
        [git, *args], cwd=cwd, capture_output=True, text=True, timeout=10, check=False
    )


def check_env_not_tracked(d: Diagnosis) -> Iterator[Finding]:
    name = ".env not in git"
    inside = _git("rev-parse", "--is-inside-work-tree", cwd=d.cwd)
    if inside is None:
        yield Finding("PASS", name, "git is not installed")
        return
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        yield Finding("PASS", name, f"{d.cwd} is not in a git work tree")
        return
    tracked = _git("ls-files", "--error-unmatch", "--", ".env", cwd=d.cwd)
    if tracked is not None and tracked.returncode == 0:
        yield Finding(
            "FAIL",
            name,
            ".env is tracked by git: run `git rm --cached .env`, add it to .gitignore, and "
            "rotate every secret it ever held (they are in the history)",
        )
        return
    if not (d.cwd / ".env").exists():
        yield Finding("PASS", name, "no .env here")
        return
    ignored = _git("check-ignore", "-q", "--", ".env", cwd=d.cwd)
    if ignored is not None and ignored.returncode == 0:
        yield Finding("PASS", name, ".env is ignored by git")
    else:
        yield Finding("WARN", name, ".env is not tracked but not ignored: add it to .gitignore")


def _too_open(path: Path) -> bool:
    return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)


def _secret_files(d: Diagnosis) -> Iterator[Path]:
    settings = d.require_settings()
    if (d.cwd / ".env").is_file():
        yield d.cwd / ".env"
    folder = settings.data_dir / SECRETS_DIR
    if folder.is_dir():
        yield folder
        yield from sorted(p for p in folder.iterdir() if p.is_file())
    keyring = settings.oauth_jwt_secret_key
    if keyring is not None and keyring.exists():
        yield keyring
        if keyring.is_dir():
            yield from sorted(p for p in keyring.iterdir() if p.is_file())


def check_secret_file_permissions(d: Diagnosis) -> Iterator[Finding]:
    name = "secret file permissions"
    seen = 0
    for path in _secret_files(d):
        seen += 1
        if _too_open(path):
            mode = stat.S_IMODE(path.stat().st_mode)
            fix = "700" if path.is_dir() else "600"
            yield Finding(
                "WARN", name, f"{path} is accessible by group or others ({mode:04o}); chmod {fix}"
            )
            return
    yield Finding("PASS", name, f"{seen} secret file(s) and folder(s), owner-only")


def check_data_dir(d: Diagnosis) -> Iterator[Finding]:
    path = d.require_settings().data_dir
    if not path.exists():
        yield Finding("PASS", "data directory", f"{path} does not exist yet (created owner-only)")
    elif _too_open(path):
        mode = stat.S_IMODE(path.stat().st_mode)
        yield Finding(
            "WARN",
            "data directory",
            f"{path} is accessible by group or others ({mode:04o}); chmod 700",
        )
    else:
        yield Finding("PASS", "data directory", f"{path} is owner-only")


def check_persistence(d: Diagnosis) -> Iterator[Finding]:
    settings = d.require_settings()
    if not settings.uses_postgres:
        detail = f"SQLite at {settings.sqlite_path} (embedded: one server process)"
        yield Finding("PASS", "persistence", detail)
        return
    error = d.store_error()
    if error is not None:
        yield Finding("FAIL", "persistence", error)
    else:
        detail = f"PostgreSQL at {postgres_location(settings)} reachable"
        yield Finding("PASS", "persistence", detail)


def check_sites_https(d: Diagnosis) -> Iterator[Finding]:
    hub = d.container().hub
    hub.projections.catch_up()
    sites = hub.list_projects(d.state.principal)
    clear = [p for p in sites if urlsplit(p.base_url).scheme != "https"]
    exposed = [p for p in clear if not is_loopback(urlsplit(p.base_url).hostname)]
    for project in exposed:
        yield Finding(
            "WARN",
            "sites on HTTPS",
            f"{project.alias}: {project.base_url} is not HTTPS; its credentials travel in clear",
        )
    if not exposed:
        local = f" ({len(clear)} on loopback HTTP)" if clear else ""
        detail = f"{len(sites)} site(s), all on HTTPS{local}" if sites else "no sites registered"
        yield Finding("PASS", "sites on HTTPS", detail)


def check_public_base_url(d: Diagnosis) -> Iterator[Finding]:
    url = d.require_settings().public_base_url
    parts = urlsplit(url)
    if parts.scheme == "https":
        yield Finding("PASS", "public URL", f"PUBLIC_BASE_URL {url} is HTTPS")
    elif is_loopback(parts.hostname):
        yield Finding("PASS", "public URL", f"PUBLIC_BASE_URL {url} is loopback only (development)")
    else:
        yield Finding(
            "WARN",
            "public URL",
            f"PUBLIC_BASE_URL {url} is not HTTPS: tokens and keys would travel in clear; "
            "serve it behind TLS",
        )


def check_not_root(d: Diagnosis) -> Iterator[Finding]:
    geteuid = getattr(os, "geteuid", None)
    if geteuid is None:
        yield Finding("PASS", "non-root", "not a POSIX system; nothing to check")
        return
    uid = geteuid()
    if uid == 0:
        yield Finding("WARN", "non-root", "running as root: run the hub as an unprivileged user")
    else:
        yield Finding("PASS", "non-root", f"running as uid {uid}")


def check_keys_match_the_store(d: Diagnosis) -> Iterator[Finding]:
    """Secrets moved from generated files to the environment must be the same values: a new
    pepper silently invalidates every API key, a new encryption key every site credential."""
    settings = d.require_settings()
    folder = settings.data_dir / SECRETS_DIR
    hub = d.container().hub
    explicit = {
        "KEY_DIGEST_PEPPER": settings.key_digest_pepper,
        "ENCRYPTION_KEY": settings.encryption_key,
        "PSEUDONYMISATION_KEY": settings.pseudonymisation_key,
    }
    has_keys = any(doc.get("digest") for doc in hub.key_index.all())
    mismatched = []
    for name, given in explicit.items():
        generated = folder / name.lower()
        if given is None or not generated.is_file():
            continue
        if generated.read_text().strip() != given.get_secret_value().strip():
            mismatched.append((name, generated))
    for name, generated in mismatched:
        if name == "KEY_DIGEST_PEPPER" and has_keys:
            yield Finding(
                "FAIL",
                "keys match the store",
                f"{name} differs from the one generated in {generated}: every existing API key "
                "stops working; set it to that file's value",
            )
        elif name == "PSEUDONYMISATION_KEY":
            yield Finding(
                "WARN",
                "keys match the store",
                f"{name} differs from {generated}: new audit digests will not match old ones",
            )
    unreadable = []
    for doc in hub.site_index.all():
        alias = doc.get("alias")
        if alias is None:
            continue
        try:
            hub.sites.connection(alias)
        except CryptoError:
            unreadable.append(alias)
    if unreadable:
        yield Finding(
            "FAIL",
            "keys match the store",
            f"site credentials of {', '.join(sorted(unreadable))} do not open with ENCRYPTION_KEY; "
            "put the key that sealed them into ENCRYPTION_KEYS_RETIRED",
        )
    if not unreadable and not any(n == "KEY_DIGEST_PEPPER" and has_keys for n, _ in mismatched):
        yield Finding("PASS", "keys match the store", "API keys verify and site credentials open")


CHECKS: list[Check] = [
    check_settings,
    check_master_key,
    check_explicit_secrets,
    check_env_not_tracked,
    check_secret_file_permissions,
    check_data_dir,
    check_persistence,
    check_keys_match_the_store,
    check_sites_https,
    check_public_base_url,
    check_not_root,
]
"""The checklist, in report order. Later issues append their own checks."""
