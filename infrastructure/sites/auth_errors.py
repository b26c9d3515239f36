"""Telling authentication failures apart (field cases F17, F19).

- wrong WordPress credentials answer ``incorrect_password`` / ``invalid_username``;
- an authenticated request answered as if anonymous (401 ``rest_not_logged_in``, ``rest_forbidden``,
  ``rest_cannot_*``) while the index advertises application passwords means the web server
  dropped the ``Authorization`` header before PHP saw it → ``AUTH_HEADER_STRIPPED``, distinct
  from a wrong password;
- WooCommerce (``WC_REST_Authentication``): 401 ``woocommerce_rest_authentication_error`` names a
  wrong key/secret, a bad signature, timestamp or nonce, or a key without read/write permission
  (its message says which); a 401 ``woocommerce_rest_cannot_*`` to a request that carried
  credentials means they were not seen (WooCommerce skips an unknown Basic key silently; an OAuth
  header that arrived would have been judged); a 403 means the key's user lacks the capability.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from application.sites import Api, SiteError, SiteErrorKind
from infrastructure.sites.discovery import ApiRoot
from infrastructure.sites.xmlrpc_probe import Verdict

__all__ = [
    "CallContext",
    "confirmed_stripping",
    "said",
    "woocommerce_auth_error",
    "wordpress_auth_error",
]

K = SiteErrorKind

_WRONG_CREDENTIALS = frozenset(
    {"incorrect_password", "invalid_username", "invalid_email", "empty_username", "empty_password"}
)
_APP_PASSWORDS_OFF = frozenset(
    {"application_passwords_disabled", "application_passwords_disabled_for_user"}
)
_ANONYMOUS_EXACT = frozenset(
    {
        "rest_not_logged_in",
        "rest_forbidden",
        "rest_forbidden_context",
        "rest_forbidden_status",
        "rest_login_required",
    }
)
_ANONYMOUS_PREFIXES = ("rest_cannot_", "rest_user_cannot_", "woocommerce_rest_cannot_")
_STRIPPED_HINT = (
    "the web server probably stripped the Authorization header before WordPress saw it "
    "(Apache with PHP as CGI/FastCGI needs `CGIPassAuth On` or a rewrite rule passing "
    "HTTP_AUTHORIZATION; nginx must pass the header to PHP-FPM)"
)
_WC_KEYS_PAGE = "WooCommerce → Settings → Advanced → REST API"


@dataclass(frozen=True, slots=True)
class CallContext:
    """What was asked, for phrasing the answer."""

    api: Api
    method: str
    route: str
    auth: Literal["basic", "oauth1", "none"]
    root: ApiRoot | None = None


def _is_anonymous_code(code: str | None) -> bool:
    return code is not None and (code in _ANONYMOUS_EXACT or code.startswith(_ANONYMOUS_PREFIXES))


def said(upstream: str) -> str:
    return f" (the site said: {upstream})" if upstream else ""


def wordpress_auth_error(
    status: int, code: str | None, upstream: str, ctx: CallContext
) -> SiteError:
    if code in _WRONG_CREDENTIALS:
        return SiteError(
            K.AUTHENTICATION,
            "WordPress refused the login with a wrong username or "
            "application password (create a new one under Users → Profile)" + said(upstream),
            status=status,
            code=code,
        )
    if code in _APP_PASSWORDS_OFF:
        return SiteError(
            K.AUTHENTICATION,
            "application passwords are disabled on this site or for this user" + said(upstream),
            status=status,
            code=code,
        )
    if status == 401 and ctx.auth != "none" and _is_anonymous_code(code):
        advertised = ctx.root.application_passwords if ctx.root is not None else None
        if advertised:
            return SiteError(
                K.AUTH_HEADER_STRIPPED,
                "WordPress treated the authenticated request "
                f"as anonymous although it offers application passwords: "
                f"{_STRIPPED_HINT}",
                status=status,
                code=code,
            )
        if advertised is False:
            return SiteError(
                K.AUTHENTICATION,
                "WordPress ignored the credentials because the site does "
                "not offer application passwords (WordPress enables them only over "
                "https, or a plugin disabled them)",
                status=status,
                code=code,
            )
        return SiteError(
            K.AUTHENTICATION,
            "WordPress treated the authenticated request as "
            f"anonymous: either {_STRIPPED_HINT}, or application passwords are not "
            "available on this site",
            status=status,
            code=code,
        )
    if status == 401:
        return SiteError(
            K.AUTHENTICATION,
            "WordPress refused the credentials" + said(upstream),
            status=status,
            code=code,
        )
    return SiteError(
        K.FORBIDDEN,
        "the WordPress user of this project is not allowed to do this" + said(upstream),
        status=status,
        code=code,
    )


def _key_refused(status: int, code: str, upstream: str) -> SiteError:
    """``woocommerce_rest_authentication_error``: its message says what was wrong."""
    lowered = upstream.lower()
    for right in ("read", "write"):
        if f"{right} permission" in lowered:
            return SiteError(
                K.FORBIDDEN,
                f"the WooCommerce API key has no {right} permission: give it Read/Write "
                f"under {_WC_KEYS_PAGE}",
                status=status,
                code=code,
            )
    if "timestamp" in lowered:
        reason = "the OAuth timestamp was refused: the hub's clock and the site's differ"
    elif "nonce" in lowered:
        reason = "the OAuth nonce was refused as already used"
    elif "signature" in lowered:
        reason = "the OAuth signature did not match: the consumer secret is wrong"
    else:
        reason = "wrong consumer key or secret"
    return SiteError(
        K.AUTHENTICATION,
        f"WooCommerce refused the API key; {reason}" + said(upstream),
        status=status,
        code=code,
    )


def woocommerce_auth_error(
    status: int, code: str | None, upstream: str, ctx: CallContext
) -> SiteError | None:
    if code in _WRONG_CREDENTIALS:
        # WooCommerce skipped an unknown key; WordPress then tried it as a user login.
        return SiteError(
            K.AUTHENTICATION,
            f"WooCommerce does not know this consumer key (check it under {_WC_KEYS_PAGE})",
            status=status,
            code=code,
        )
    if code == "woocommerce_rest_authentication_error":
        return _key_refused(status, code, upstream)
    if code == "woocommerce_rest_authentication_missing_parameter":
        return SiteError(
            K.AUTHENTICATION,
            "WooCommerce refused the OAuth request" + said(upstream),
            status=status,
            code=code,
        )
    if code is not None and code.startswith("woocommerce_rest_cannot_"):
        if status == 403:
            return SiteError(
                K.FORBIDDEN,
                "the WordPress user that owns the WooCommerce API key "
                "lacks the capability (it needs a Shop manager or Administrator)" + said(upstream),
                status=status,
                code=code,
            )
        if ctx.auth == "oauth1":
            return SiteError(
                K.AUTH_HEADER_STRIPPED,
                f"WooCommerce treated the OAuth-signed request as anonymous: {_STRIPPED_HINT}",
                status=status,
                code=code,
            )
        if ctx.auth == "basic":
            return SiteError(
                K.AUTHENTICATION,
                "WooCommerce treated the request as anonymous: "
                f"the consumer key is unknown to the site (check it under "
                f"{_WC_KEYS_PAGE}), or {_STRIPPED_HINT}",
                status=status,
                code=code,
            )
    return None


def confirmed_stripping(error: SiteError, verdict: Verdict) -> SiteError:
    """Sharpen an ``AUTH_HEADER_STRIPPED`` diagnosis with the XML-RPC check of the credentials
    (:mod:`~infrastructure.sites.xmlrpc_probe`)."""
    if verdict is Verdict.VALID:
        message = (
            "the application password is right (WordPress accepted it over XML-RPC), but the "
            f"REST request reached WordPress without it: {_STRIPPED_HINT}"
        )
        return SiteError(K.AUTH_HEADER_STRIPPED, message, status=error.status, code=error.code)
    if verdict is Verdict.INVALID:
        message = (
            "WordPress refused the login with a wrong username or application password "
            "(WordPress answers a wrong application password over REST as 'not logged in'; "
            "XML-RPC confirmed it is wrong)"
        )
        return SiteError(K.AUTHENTICATION, message, status=error.status, code=error.code)
    message = (
        f"{error.message} — unless the application password itself is wrong: WordPress "
        "answers both as 'not logged in'"
    )
    return SiteError(error.kind, message, status=error.status, code=error.code)
