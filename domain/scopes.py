"""The scope lattice: ``read`` ⊂ ``write`` ⊂ ``admin``.

A credential holds one level and with it every lower one. The same mapping serves API keys,
OAuth grants and dashboard sessions, so "what may this credential do" has one answer.
"""

from __future__ import annotations

from enum import StrEnum

from domain.errors import InvalidValueError


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def includes(self, other: Scope) -> bool:
        """True when a holder of this scope may do what ``other`` allows."""
        return self.rank >= other.rank

    def implied(self) -> tuple[str, ...]:
        """Every scope this one carries, lowest first (``admin`` -> read, write, admin)."""
        return tuple(s.value for s in Scope if self.includes(s))

    @classmethod
    def parse(cls, value: str) -> Scope:
        try:
            return cls(value.strip().lower())
        except ValueError:
            allowed = ", ".join(s.value for s in cls)
            raise InvalidValueError(f"unknown scope {value!r}; expected one of {allowed}") from None


_RANK = {Scope.READ: 1, Scope.WRITE: 2, Scope.ADMIN: 3}
