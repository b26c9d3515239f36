"""Telling a stripped ``Authorization`` header from a wrong application password (field case F17).

Core WordPress answers a REST request carrying a *wrong* application password exactly like one
whose header never arrived: 401 ``rest_not_logged_in``. (``WP_REST_Server::serve_request`` clears
the cached anonymous user; ``rest_application_password_check_errors`` runs at priority 90 of
``rest_authentication_errors``, before anything has determined the user and so before a failed
password is recorded — unless a plugin such as WooCommerce asks for the user earlier, WordPress
only ever says ``incorrect_password`` by luck.)

XML-RPC takes the user name and password in the request body, where no web server strips them, and
accepts application passwords. One ``wp.getUsersBlogs`` call therefore settles it: accepted → the
password is right and the REST request lost its header; fault 403 → the password is wrong;
anything else (XML-RPC disabled or blocked, PHP without its XML extension) → unknown. The answer
is read with bounded regular expressions, never an XML parser (no entity expansion).
"""

from __future__ import annotations

import re
from enum import StrEnum
from xml.sax.saxutils import escape

from infrastructure.sites.wire import RawResponse

__all__ = ["Verdict", "probe_body", "read_verdict"]

_READ_CHARS = 16 * 1024
_FAULT_CODE = re.compile(r"<name>\s*faultCode\s*</name>\s*<value>\s*<(?:int|i4)>\s*(-?\d+)")


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNKNOWN = "unknown"


def probe_body(user: str, password: str) -> bytes:
    def param(value: str) -> str:
        return f"<param><value><string>{escape(value)}</string></value></param>"

    return (
        '<?xml version="1.0"?><methodCall><methodName>wp.getUsersBlogs</methodName>'
        f"<params>{param(user)}{param(password)}</params></methodCall>"
    ).encode()


def read_verdict(raw: RawResponse) -> Verdict:
    if raw.status != 200:
        return Verdict.UNKNOWN
    text = raw.body[:_READ_CHARS].decode("utf-8", "replace")
    if "<methodResponse" not in text:
        return Verdict.UNKNOWN
    if "<fault>" in text:
        code = _FAULT_CODE.search(text)
        return Verdict.INVALID if code is not None and code.group(1) == "403" else Verdict.UNKNOWN
    return Verdict.VALID if "<params>" in text else Verdict.UNKNOWN
