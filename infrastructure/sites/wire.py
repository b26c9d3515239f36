"""What came back from a site, read defensively: the raw response, its JSON, its pagination
headers, and a short plain-text snippet of an HTML page (never the whole page, never a trace)."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = ["NOT_JSON", "RawResponse", "header_int", "parse_json", "snippet"]

SNIPPET_CHARS = 200

NOT_JSON: Any = object()
"""Sentinel: the body is not JSON."""

_INVISIBLE = re.compile(r"<(script|style|head|noscript)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
# Where a stack trace starts (PHP fatal errors, Python tracebacks, Java): cut there.
_TRACE = re.compile(r"(Stack trace:|Traceback \(most recent call last\)|\s#0\s|\sat [\w.$]+\()")


@dataclass(frozen=True, slots=True)
class RawResponse:
    status: int
    headers: httpx.Headers
    body: bytes
    url: httpx.URL
    """The logical URL that answered (after any same-host redirect)."""

    @property
    def is_json_type(self) -> bool:
        return "json" in self.headers.get("content-type", "").lower()


def parse_json(raw: RawResponse) -> Any:
    """The decoded JSON body, ``None`` for an empty body, or :data:`NOT_JSON`."""
    if not raw.body.strip():
        return None
    try:
        return json.loads(raw.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return NOT_JSON


def header_int(headers: httpx.Headers, name: str) -> int | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = int(value.strip())
    except ValueError:
        return None
    return number if number >= 0 else None


def snippet(body: bytes | str, limit: int = SNIPPET_CHARS) -> str:
    """Readable text of an HTML (or plain) body: invisible parts and tags removed, entities
    decoded, whitespace collapsed, cut before any stack trace and at ``limit`` characters."""
    text = body if isinstance(body, str) else body[: 64 * 1024].decode("utf-8", "replace")
    text = _COMMENT.sub(" ", _INVISIBLE.sub(" ", text))
    text = html.unescape(_TAG.sub(" ", text))
    text = _SPACE.sub(" ", text).strip()
    trace = _TRACE.search(text)
    if trace is not None:
        text = text[: trace.start()].rstrip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
