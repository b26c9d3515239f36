"""Host, Origin and CORS policy for the MCP endpoints — one policy, applied by the hub itself.

DNS-rebinding protection: a browser page on an attacker's domain that resolves to 127.0.0.1
sends its own Host (and Origin); both are checked before authentication. Loopback names are
always accepted (a hub on a developer's machine); otherwise the host of ``PUBLIC_BASE_URL`` and
``ALLOWED_HOSTS``. Origins: loopback origins, the public origin and ``ALLOWED_ORIGINS``. The
SDK's own check is switched off so that there is exactly one answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})

ALLOWED_REQUEST_HEADERS = (
    "authorization, content-type, accept, mcp-protocol-version, mcp-session-id, last-event-id"
)
EXPOSED_HEADERS = "WWW-Authenticate, Mcp-Session-Id, Mcp-Protocol-Version, Retry-After"
ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS"


def _split_host(host: str) -> str:
    """``host[:port]`` -> host, lower-cased; IPv6 literals keep their brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[: end + 1] if end != -1 else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


_DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def _origin_key(origin: str) -> str:
    """``scheme://host[:port]`` lower-cased, without a trailing slash or the scheme's default
    port: ``https://Hub.example.com:443/`` and ``https://hub.example.com`` are one origin."""
    origin = origin.strip().rstrip("/").lower()
    scheme, sep, rest = origin.partition("://")
    default = _DEFAULT_PORTS.get(scheme)
    if sep and default and rest.endswith(default):
        origin = f"{scheme}://{rest[: -len(default)]}"
    return origin


@dataclass(frozen=True)
class OriginPolicy:
    hosts: frozenset[str]
    origins: frozenset[str]

    @classmethod
    def build(
        cls, public_base_url: str, allowed_hosts: list[str], allowed_origins: list[str]
    ) -> OriginPolicy:
        public = urlsplit(public_base_url)
        hosts = {_split_host(h) for h in allowed_hosts if h.strip()}
        if public.hostname:
            hosts.add(_split_host(public.netloc))
        origins = {_origin_key(o) for o in allowed_origins if o.strip()}
        if public.scheme and public.netloc:
            origins.add(_origin_key(f"{public.scheme}://{public.netloc}"))
        return cls(frozenset(hosts), frozenset(origins))

    def host_allowed(self, host: str | None) -> bool:
        if not host:
            return False
        name = _split_host(host)
        return name in _LOOPBACK_HOSTS or name in self.hosts

    def origin_allowed(self, origin: str) -> bool:
        key = _origin_key(origin)
        if key in self.origins:
            return True
        parts = urlsplit(key)
        return parts.scheme in ("http", "https") and _split_host(parts.netloc) in _LOOPBACK_HOSTS
