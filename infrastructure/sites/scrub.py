"""Removes a site's own credentials from any text the gateway produces (field cases F16, F19).

The gateway never builds a message from a credential, but error text also quotes the site and the
network stack; as a last line of defence every :class:`~application.sites.SiteError` message
passes through this scrubber, which replaces the application password (as given and without
spaces), the consumer key and secret, their percent-encoded forms and the Basic tokens made from
them with ``[REDACTED]``.
"""

from __future__ import annotations

import base64
from urllib.parse import quote, quote_plus

from application.sites import SiteConnection

__all__ = ["MASK", "CredentialScrubber"]

MASK = "[REDACTED]"
_MIN_SECRET_CHARS = 4


def _basic_token(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


class CredentialScrubber:
    def __init__(self, site: SiteConnection) -> None:
        raw = [site.wp_password, site.wp_password.replace(" ", "")]
        tokens = [_basic_token(site.wp_user, site.wp_password)]
        if site.wc_key:
            raw.append(site.wc_key)
        if site.wc_secret:
            raw.append(site.wc_secret)
        if site.wc_key and site.wc_secret:
            tokens.append(_basic_token(site.wc_key, site.wc_secret))
        forms = set(tokens)
        for value in raw:
            forms.update((value, quote(value, safe=""), quote_plus(value)))
        # Longest first, so a secret is never half-replaced by a shorter form of itself.
        self._forms = sorted(
            (f for f in forms if len(f) >= _MIN_SECRET_CHARS), key=len, reverse=True
        )

    def __call__(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        return text
