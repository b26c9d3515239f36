"""Every shape a secret could take in a sink: whole, its secret part, percent-encoded and
base64-encoded at each of the three alignments a longer base64 text could put it in."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote, quote_plus


def _base64_forms(raw: bytes) -> set[str]:
    forms = set()
    for pad in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(b"\0" * pad + raw).decode().rstrip("=")
            # Drop the characters that mix padding bits with the secret's first/last bytes.
            start = (pad * 4 + 2) // 3
            forms.add(text[start : len(text) - 2])
    return {f for f in forms if len(f) >= 12}


def needles(secret: str) -> set[str]:
    parts = {secret}
    if secret.startswith("mcphub_"):
        parts.add(secret.split("_", 2)[2])  # the secret part alone
    if " " in secret:
        parts.add(secret.replace(" ", ""))
    found = set()
    for part in parts:
        found |= {part, quote(part, safe=""), quote_plus(part)}
        found |= _base64_forms(part.encode())
    return {n for n in found if len(n) >= 8}


def leaks(secrets: list[str], sinks: dict[str, bytes]) -> list[str]:
    """``"<needle shape> in <sink>"`` for every secret shape found in any sink."""
    found = []
    for secret in secrets:
        for needle in needles(secret):
            raw = needle.encode()
            for name, content in sinks.items():
                if raw in content:
                    found.append(f"{secret[:10]}... as {needle[:16]!r} in {name}")
    return found


def files_under(folder: Path, *, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not any(part in skip for part in path.parts)
    }
