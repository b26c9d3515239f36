"""Upstream failures as :class:`~application.sites.SiteError`, phrased for the AI client.

WordPress REST errors are ``{"code", "message", "data": {"status", "params"}}`` (REST API
Handbook); WooCommerce uses the same shape with ``woocommerce_rest_*`` codes. Each answer keeps
the HTTP status and the upstream code, says what to do, and quotes at most a short tag-stripped
snippet of an HTML page — never the page, never a trace, never a credential (every message
passes the site's :class:`~infrastructure.sites.scrub.CredentialScrubber`). Authentication
failures are diagnosed in :mod:`~infrastructure.sites.auth_errors`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from application.sites import SiteError, SiteErrorKind
from infrastructure.sites.auth_errors import (
    CallContext,
    said,
    woocommerce_auth_error,
    wordpress_auth_error,
)
from infrastructure.sites.ssrf import BlockedAddressError
from infrastructure.sites.wire import NOT_JSON, RawResponse, parse_json, snippet

__all__ = ["CallContext", "invalid_body", "map_response", "map_transport"]

Scrub = Callable[[str], str]
K = SiteErrorKind


def _wp_error(data: Any) -> tuple[str | None, str, dict[str, Any]]:
    if not isinstance(data, dict):
        return None, "", {}
    code = data.get("code") if isinstance(data.get("code"), str) else None
    message = data.get("message")
    extra = data.get("data")
    text = snippet(message) if isinstance(message, str) else ""
    return code, text, extra if isinstance(extra, dict) else {}


def _params_detail(extra: dict[str, Any]) -> str:
    params = extra.get("params")
    if isinstance(params, dict):
        detail = "; ".join(f"{name}: {snippet(str(why), 120)}" for name, why in params.items())
    elif isinstance(params, list):
        detail = ", ".join(str(p) for p in params)
    else:
        return ""
    return detail if len(detail) <= 300 else detail[:299] + "…"


def _namespace(route: str) -> str:
    parts = [p for p in route.split("?", 1)[0].split("/") if p]
    return "/".join(parts[:2])


def _not_found(code: str | None, upstream: str, html: bool, ctx: CallContext) -> str:
    if code == "rest_no_route":
        message = f"the site has no REST route for {ctx.method.upper()} {ctx.route.split('?')[0]}"
        namespaces = ctx.root.namespaces if ctx.root is not None else None
        namespace = _namespace(ctx.route)
        if namespaces is not None and namespace not in namespaces:
            plugin = "WooCommerce" if namespace.startswith("wc/") else "the plugin providing it"
            message += f"; the site has no {namespace} API (is {plugin} active?)"
        return message
    if html:
        return "the site answered 404 with a web page instead of the REST API" + (
            f": {upstream}" if upstream else ""
        )
    return "not found" + said(upstream)


def map_response(raw: RawResponse, ctx: CallContext, scrub: Scrub) -> SiteError:
    """The :class:`SiteError` for a non-2xx answer (or one whose body is unusable)."""
    error = _classify(raw, ctx)
    return SiteError(error.kind, scrub(error.message), status=error.status, code=error.code)


def _classify(raw: RawResponse, ctx: CallContext) -> SiteError:
    status = raw.status
    data = parse_json(raw)
    html = data is NOT_JSON
    code, upstream, extra = _wp_error(data)
    if html:
        upstream = snippet(raw.body)
    refused = _refused_argument(status, code, extra)
    if refused is not None and ctx.api == "wp" and ctx.auth != "none":
        # An argument WordPress checks against the current user, refused as if anonymous.
        inner_code, inner_message = refused
        anonymous = wordpress_auth_error(401, inner_code, inner_message, ctx)
        return SiteError(anonymous.kind, anonymous.message, status=status, code=inner_code or code)
    if status in (401, 403):
        if ctx.api == "wc":
            error = woocommerce_auth_error(status, code, upstream, ctx)
            if error is not None:
                return error
        return wordpress_auth_error(status, code, upstream, ctx)
    if status == 404:
        return SiteError(
            K.NOT_FOUND, _not_found(code, upstream, html, ctx), status=status, code=code
        )
    if status in (409, 410, 412):
        return SiteError(
            K.CONFLICT,
            "the site refused because of the resource's state" + said(upstream),
            status=status,
            code=code,
        )
    if status == 429:
        after = raw.headers.get("retry-after", "").strip()
        wait = f"; retry after {after} s" if after.isdigit() else ""
        return SiteError(
            K.RATE_LIMITED, f"the site is rate limiting the hub{wait}", status=status, code=code
        )
    if status >= 500 and status != 501:
        return SiteError(
            K.UPSTREAM,
            f"the site failed with HTTP {status}" + said(upstream),
            status=status,
            code=code,
        )
    if 400 <= status < 600:
        return SiteError(
            K.BAD_REQUEST, _bad_request(code, upstream, extra), status=status, code=code
        )
    if html:
        return SiteError(
            K.INVALID_RESPONSE,
            "the site answered with a web page instead of JSON "
            "(a cache, a firewall or a PHP notice?)" + said(upstream),
            status=status,
            code=code,
        )
    return SiteError(
        K.INVALID_RESPONSE, f"unexpected HTTP {status} from the site", status=status, code=code
    )


def _refused_argument(
    status: int, code: str | None, extra: dict[str, Any]
) -> tuple[str | None, str] | None:
    """The inner error of a 400 ``rest_invalid_param`` whose validation answered 401.

    WordPress validates some arguments against the current user (``status=draft`` on a post
    listing: ``rest_forbidden_status``); refused, the inner error carries
    ``rest_authorization_required_code()`` — 401 only when nobody is logged in — in
    ``data.details``, wrapped in a 400. Such an answer to a request with credentials means
    they were not seen (F17).
    """
    details = extra.get("details")
    if status != 400 or code != "rest_invalid_param" or not isinstance(details, dict):
        return None
    for detail in details.values():
        inner = detail.get("data") if isinstance(detail, dict) else None
        if isinstance(inner, dict) and inner.get("status") == 401:
            inner_code, message = detail.get("code"), detail.get("message")
            return (
                inner_code if isinstance(inner_code, str) else None,
                snippet(message) if isinstance(message, str) else "",
            )
    return None


def _bad_request(code: str | None, upstream: str, extra: dict[str, Any]) -> str:
    detail = _params_detail(extra)
    if code == "rest_invalid_param":
        return f"the site rejected parameter(s): {detail or upstream}"
    if code == "rest_missing_callback_param":
        return f"the site is missing parameter(s): {detail or upstream}"
    if code == "rest_post_invalid_page_number":
        return "the page number is beyond the last page"
    if code == "woocommerce_rest_trash_not_supported":
        return "this resource cannot be trashed; delete it permanently with force=true" + said(
            upstream
        )
    return "the site refused the request" + said(upstream)


def invalid_body(raw: RawResponse, scrub: Scrub) -> SiteError:
    """A 2xx answer whose body is not JSON."""
    return SiteError(
        K.INVALID_RESPONSE,
        scrub(
            "the site answered with a web page instead of "
            "JSON (a cache, a firewall or a PHP notice?)" + said(snippet(raw.body))
        ),
        status=raw.status,
    )


def map_transport(error: Exception, host: str, scrub: Scrub) -> SiteError:
    """A failure before any HTTP answer: refused address, timeout, no connection."""
    if isinstance(error, BlockedAddressError):
        kind, message = (
            K.BLOCKED,
            (
                f"the site address {host} is refused: it is or resolves to "
                f"{error.reason}; an admin must allow-list it"
            ),
        )
    elif isinstance(error, httpx.TimeoutException):
        phase = type(error).__name__.removesuffix("Timeout").lower() or "request"
        kind, message = K.TIMEOUT, f"the site did not answer in time ({phase} timeout)"
    elif isinstance(error, httpx.ConnectError):
        text = str(error)
        if "CERTIFICATE" in text.upper():
            reason = "its TLS certificate could not be verified"
        elif "resolve" in text:
            reason = "its name does not resolve"
        else:
            reason = snippet(text, 120) or "the connection was refused"
        kind, message = K.UNREACHABLE, f"could not connect to {host}: {reason}"
    else:
        kind, message = K.UNREACHABLE, f"the connection to {host} failed ({type(error).__name__})"
    return SiteError(kind, scrub(message))
