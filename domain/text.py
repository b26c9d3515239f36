"""What the domain accepts as text: no control characters, and nothing that cannot be stored.

A JSON body can carry a lone UTF-16 surrogate (``"\\ud800"``) that no UTF-8 store accepts, and
a NUL that PostgreSQL's ``jsonb`` refuses; either would fail after the command had decided.
"""

from __future__ import annotations


def is_clean_text(value: str, *, allow_newlines: bool = False) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    allowed = {"\n", "\t"} if allow_newlines else set()
    return not any((ord(c) < 32 or ord(c) == 127) and c not in allowed for c in value)
