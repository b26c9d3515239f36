"""Site gateway adapters: WordPress and WooCommerce REST APIs over httpx, behind an SSRF guard.

``HttpxSiteGateway`` implements :class:`application.sites.SiteGateway`; ``ssrf`` and ``pinning``
are reusable wherever the hub fetches a URL on someone's behalf (media from a URL).
"""

from infrastructure.sites.exchange import RetryPolicy
from infrastructure.sites.gateway import HttpxSiteGateway
from infrastructure.sites.pinning import PinnedTransport
from infrastructure.sites.ssrf import AddressPolicy, BlockedAddressError, Resolver, resolve_checked

__all__ = [
    "AddressPolicy",
    "BlockedAddressError",
    "HttpxSiteGateway",
    "PinnedTransport",
    "Resolver",
    "RetryPolicy",
    "resolve_checked",
]
