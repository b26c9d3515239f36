"""Server-side request forgery guard: which addresses a request made on a user's behalf may reach.

Anything an admin or an AI client can point the hub at (a project's base URL, media fetched from a
URL) is resolved here and every resolved address is checked before a connection is made. Refused
(unless an admin allow-lists the host or a network that contains the address):

- private (RFC 1918), loopback, link-local (RFC 3927, fe80::/10), unique-local (RFC 4193),
  shared/CGNAT (RFC 6598), multicast, unspecified, reserved and documentation ranges — everything
  the IANA special-purpose registries (RFC 6890) mark as not globally reachable;
- IPv6 forms that embed an IPv4 address (IPv4-mapped, 6to4 RFC 3056, Teredo RFC 4380, NAT64
  RFC 6052) are judged by the IPv4 address they carry;
- cloud metadata endpoints (169.254.169.254, fd00:ec2::254, 169.254.170.2, 100.100.100.200,
  168.63.129.16, metadata.google.internal, ...) are refused even when allow-listed: no managed
  WordPress site lives there, and they hand out cloud credentials.

The check alone does not stop DNS rebinding (a second lookup answering differently);
:mod:`infrastructure.sites.pinning` connects to exactly the address this module accepted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence

__all__ = [
    "AddressPolicy",
    "BlockedAddressError",
    "IPAddress",
    "Resolver",
    "resolve_checked",
    "system_resolver",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""``(host, port) -> addresses`` as text; the test seam for DNS."""

_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(text)
    for text in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, Oracle instance metadata
        "169.254.170.2",  # AWS ECS task credentials
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "100.100.100.200",  # Alibaba Cloud metadata
        "168.63.129.16",  # Azure wire server (a public-looking address)
    )
)
_METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "metadata.azure.internal",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_METADATA = "a cloud metadata address"


class BlockedAddressError(Exception):
    """The host is (or resolves to) an address the policy refuses. The message names the host and
    the kind of address, never the address itself (internal DNS is nobody's business)."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host} is refused: it is or resolves to {reason}")
        self.host = host
        self.reason = reason


def normalise_host(host: str) -> str:
    return host.strip().rstrip(".").lower()


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def classify(ip: IPAddress) -> str | None:
    """Why ``ip`` may not be reached, or ``None`` for an ordinary public address."""
    if ip in _METADATA_ADDRESSES:
        return _METADATA
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "a scoped (link-local) address"
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return classify(embedded)
    checks: tuple[tuple[bool, str], ...] = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "a shared (CGNAT) address"),
        (isinstance(ip, ipaddress.IPv6Address) and ip in _UNIQUE_LOCAL, "a unique-local address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "a non-global address"),
    )
    for hit, reason in checks:
        if hit:
            return reason
    return None


def parse_ip(text: str) -> IPAddress | None:
    """An address literal (IPv6 with or without brackets or a zone), else ``None``."""
    candidate = text.strip().removeprefix("[").removesuffix("]")
    try:
        return ipaddress.ip_address(candidate)
    except ValueError:
        return None


class AddressPolicy:
    """Refuses non-public addresses unless allow-listed.

    ``allow`` holds hostnames (matched exactly, case-insensitively), addresses and CIDR networks,
    e.g. ``["127.0.0.1", "10.20.0.0/16", "wp.intranet.example"]``. An allow-listed hostname may
    resolve to any non-metadata address; its connections are still pinned to what was checked.
    """

    def __init__(self, allow: Sequence[str] = ()) -> None:
        networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        hosts: set[str] = set()
        for entry in allow:
            text = entry.strip()
            if not text:
                continue
            try:
                networks.append(ipaddress.ip_network(text.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            if any(c in text for c in "/:@?# ") or not text.replace("-", "").replace(".", ""):
                raise ValueError(f"allow-list entry {text!r} is not a hostname, address or network")
            hosts.add(normalise_host(text))
        self._networks = tuple(networks)
        self._hosts = frozenset(hosts)

    def _allowed(self, host: str, ip: IPAddress) -> bool:
        if host in self._hosts:
            return True
        return any(ip.version == net.version and ip in net for net in self._networks)

    def check(self, host: str, addresses: Sequence[IPAddress]) -> None:
        """Raise :class:`BlockedAddressError` unless every address may be reached."""
        name = normalise_host(host)
        if name in _METADATA_HOSTS:
            raise BlockedAddressError(host, _METADATA)
        for ip in addresses:
            reason = classify(ip)
            if reason is None:
                continue
            if reason == _METADATA or not self._allowed(name, ip):
                raise BlockedAddressError(host, reason)


async def system_resolver(host: str, port: int) -> Sequence[str]:
    """Resolve through the event loop (``getaddrinfo`` in the default executor)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def resolve_checked(
    host: str, port: int, policy: AddressPolicy, resolver: Resolver = system_resolver
) -> list[IPAddress]:
    """Every address ``host`` resolves to, in resolver order, after the policy accepted all of
    them (one bad answer refuses the host: a round-robin cannot smuggle a private address in).

    Raises :class:`BlockedAddressError`, or :class:`OSError` when the name does not resolve.
    """
    literal = parse_ip(host)
    if literal is not None:
        policy.check(host, [literal])
        return [literal]
    name = normalise_host(host)
    if not name:
        raise OSError("empty host name")
    policy.check(name, [])  # metadata host names before any lookup
    answers = await resolver(name, port)
    addresses: list[IPAddress] = []
    for text in answers:
        ip = parse_ip(text.split("%", 1)[0])
        if ip is None:
            raise OSError(f"{name} resolved to something that is not an address")
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise OSError(f"{name} did not resolve")
    policy.check(name, addresses)
    return addresses
