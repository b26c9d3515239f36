"""F16 for the MCP endpoints, tool-call events and tool results (issue 3 items 7 and 8).

- A credential in the query string of an MCP endpoint is refused — even a valid one — and never
  echoed.
- ``ToolCall.Requested`` keeps identifiers and options, stores free text only as a keyed digest
  and length, and scrubs what it keeps; a call refused for an argument named like a credential
  keeps that value out of its ``Denied``.
- The result the client gets is not pattern-scrubbed (post content survives as written) but the
  secret fields sites are known to return are masked; an upstream error naming the WooCommerce
  key and secret in a URL reaches the client redacted.
- Afterwards no secret, in any encoding, is anywhere in the data directory (event store, WAL,
  read models) or in the server's logs captured at DEBUG.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from application.redaction import MASK
from application.sites import SiteError, SiteErrorKind, SiteRequest, SiteResponse
from domain.tool_call import ToolCall
from tests.e2e.leaks import files_under, leaks
from tests.http.mcp.conftest import (
    MASTER,
    MCP_HEADERS,
    WC_KEY,
    WC_SECRET,
    WP_PASSWORD,
    Hub,
    LiveServer,
    bearer,
    call,
    initialize,
    open_session,
    session_headers,
)

QUERY_TOKEN = "qs-token-" + "Lq4Wz8Rt2Y" * 3
CONTENT_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl"
BEARER_IN_CONTENT = "abc.def.ghi"
USERINFO_PASSWORD = "Ui-pass-7Qk2Vw9"
EXCERPT_TOKEN = "zzz-excerpt-token-4Rm8"
SLUG_TOKEN = "slug-token-Hy6Pq3Xs"
ARG_PASSWORD = "arg-password-Tn5Bv8Jc"
WEBHOOK_SECRET = "whsec-Kp2Lm9Nq4Rs7Tv1W"
APP_PASSWORD = "WXYZ qrst 9876 MNOP uvwx 4321"
GATEWAY_KEY = "sk_live_51HbGatewayKey0123456789"

CONTENT = (
    "<p>How to call the API:</p>\n"
    f"<pre>Authorization: Bearer {BEARER_IN_CONTENT}\nX-Token: {CONTENT_TOKEN}</pre>"
)
EXCERPT = f"See https://user:{USERINFO_PASSWORD}@host.example/?access_token={EXCERPT_TOKEN}"


def _rpc(http: httpx.Client, url: str, key: str, session: str, body: dict[str, Any]) -> Any:
    answer = http.post(url, json=body, headers=session_headers(key, session))
    assert answer.status_code == 200, answer.text
    return answer.json()


def _store_and_logs(hub: Hub, live: LiveServer) -> dict[str, bytes]:
    store = files_under(hub.data_dir, skip=("secrets",))
    assert any(name.startswith("events.sqlite3") for name in store)
    return {**{f"store:{k}": v for k, v in store.items()}, "logs": "\n".join(live.logs).encode()}


@pytest.mark.parametrize(
    "query",
    [
        f"access_token={QUERY_TOKEN}",
        f"ACCESS%5FTOKEN={QUERY_TOKEN}",
        f"api_key={QUERY_TOKEN}",
        f"accessToken={QUERY_TOKEN}",
        f"x=1&access%5Ftoken={QUERY_TOKEN}",
        f"access_token={MASTER}",  # even the valid master key: tokens belong in the header
    ],
)
def test_a_credential_in_the_query_string_is_refused_and_never_echoed(
    hub: Hub, live: LiveServer, query: str
) -> None:
    with httpx.Client(timeout=5) as http:
        with_header = http.post(
            f"{live.url}/mcp?{query}",
            json=initialize(),
            headers={**MCP_HEADERS, **bearer(MASTER)},
        )
        without = http.post(f"{live.url}/mcp/?{query}", json=initialize(), headers=MCP_HEADERS)
        get = http.get(f"{live.url}/mcp?{query}", headers={"Accept": "text/event-stream"})

    for answer in (with_header, without, get):
        assert answer.status_code == 400
        assert answer.json()["error"] == "invalid_request"
        assert "mcp-session-id" not in answer.headers
        echoed = answer.content + str(answer.headers).encode()
        assert leaks([QUERY_TOKEN, MASTER], {"response": echoed}) == []
    assert leaks([QUERY_TOKEN, MASTER], _store_and_logs(hub, live)) == []
    assert any("/mcp" in line for line in live.logs)  # the requests were logged, the query not


def test_tool_call_events_results_and_errors_keep_secrets_out(hub: Hub, live: LiveServer) -> None:
    def site(request: SiteRequest) -> SiteResponse:
        if request.method == "POST" and request.route == "/wp/v2/posts":
            return SiteResponse(
                201,
                {
                    "id": 42,
                    "status": "draft",
                    "title": {"raw": request.json["title"]},
                    "content": {"raw": request.json["content"]},
                    "excerpt": {"raw": request.json["excerpt"]},
                    "password": "",  # post protection: content, kept
                    "webhooks": [{"id": 3, "topic": "order.created", "secret": WEBHOOK_SECRET}],
                    "application_password": {
                        "uuid": "6f1c5b1e-7d1a-4f7e-9d59-1c2f3a4b5c6d",
                        "app_id": "",
                        "name": "mcp",
                        "password": APP_PASSWORD,
                    },
                    "payment_gateway": {
                        "id": "stripe",
                        "settings": {
                            "secret_key": {"id": "secret_key", "value": GATEWAY_KEY},
                            "title": {"id": "title", "value": "Card"},
                        },
                    },
                },
            )
        if request.api == "wc":
            raise SiteError(
                SiteErrorKind.UPSTREAM,
                "upstream answered 500 for GET https://shop.example.com/wp-json/wc/v3/products"
                f"?consumer_key={WC_KEY}&consumer_secret={WC_SECRET}",
                status=500,
            )
        return SiteResponse(200, {})

    hub.gateway.handler = site
    writer = hub.issue(None, "write")
    url = f"{live.url}/mcp"
    with httpx.Client(timeout=10) as http:
        session = open_session(http, writer, url)
        created = _rpc(
            http,
            url,
            writer,
            session,
            call(
                "wp_create_post",
                {
                    "site": "shop",
                    "title": "Quarterly plan",
                    "content": CONTENT,
                    "excerpt": EXCERPT,
                    "slug": f"https://u:{SLUG_TOKEN}@h.example/x",
                    "status": "draft",
                    "categories": [3, 5],
                },
            ),
        )
        refused = _rpc(
            http,
            url,
            writer,
            session,
            call(
                "wp_create_post",
                {"site": "shop", "title": "x", "password": ARG_PASSWORD, "api_key": ARG_PASSWORD},
                request_id=3,
            ),
        )
        failed = _rpc(
            http, url, writer, session, call("wc_list_products", {"site": "shop"}, request_id=4)
        )

    # The result: content exactly as the site returned it, known secret fields masked.
    result = created["result"]
    assert result["isError"] is False
    post = result["structuredContent"]
    assert post["content"]["raw"] == CONTENT
    assert post["excerpt"]["raw"] == EXCERPT
    assert post["password"] == ""
    assert post["webhooks"][0] == {"id": 3, "topic": "order.created", "secret": MASK}
    assert post["application_password"]["password"] == MASK
    assert post["application_password"]["name"] == "mcp"
    assert post["payment_gateway"]["settings"]["secret_key"]["value"] == MASK
    assert post["payment_gateway"]["settings"]["title"]["value"] == "Card"
    text = result["content"][0]["text"]
    assert CONTENT in json.loads(text)["content"]["raw"]
    answers = json.dumps([created, refused, failed]).encode()
    assert leaks([WEBHOOK_SECRET, APP_PASSWORD, GATEWAY_KEY], {"result": answers}) == []

    # The upstream error: redacted, and still useful.
    assert failed["result"]["isError"] is True
    error_text = failed["result"]["content"][0]["text"]
    assert "HTTP 500" in error_text
    assert "consumer_secret" in error_text
    assert leaks([WC_KEY, WC_SECRET], {"tool error": error_text.encode()}) == []

    # The refused call: a validation denial naming the field, without its value.
    assert refused["result"]["isError"] is True
    refusal = refused["result"]["content"][0]["text"]
    assert "not an accepted argument" in refusal
    assert ARG_PASSWORD not in refusal

    # The events: the site was touched once per admitted call, after Requested.
    requested = hub.events_of(ToolCall.Requested)
    assert [r.tool for r in requested] == ["wp_create_post", "wc_list_products"]
    arguments = requested[0].arguments
    assert arguments["status"] == "draft"
    assert arguments["categories"] == [3, 5]
    for field, raw in (("title", "Quarterly plan"), ("content", CONTENT), ("excerpt", EXCERPT)):
        assert set(arguments[field]) == {"digest", "length"}, field
        assert arguments[field]["length"] == len(raw)
    assert arguments["slug"].startswith("https://")
    assert SLUG_TOKEN not in arguments["slug"]
    denied = hub.events_of(ToolCall.Denied)
    assert [d.reason for d in denied] == ["validation"]
    failures = hub.events_of(ToolCall.Failed)
    assert [(f.error_kind, f.status) for f in failures] == [("upstream_error", 500)]
    assert len(hub.events_of(ToolCall.Completed)) == 1

    secrets = [
        BEARER_IN_CONTENT,
        CONTENT_TOKEN,
        USERINFO_PASSWORD,
        EXCERPT_TOKEN,
        SLUG_TOKEN,
        ARG_PASSWORD,
        WEBHOOK_SECRET,
        APP_PASSWORD,
        GATEWAY_KEY,
        WC_KEY,
        WC_SECRET,
        WP_PASSWORD,
        MASTER,
        writer,
    ]
    assert leaks(secrets, _store_and_logs(hub, live)) == []
    # The check can fail: the store does hold the digested post body.
    assert requested[0].arguments["content"]["digest"].encode() in b"".join(
        _store_and_logs(hub, live).values()
    )


def test_a_key_issued_through_the_system_endpoint_is_shown_once_and_stored_nowhere(
    hub: Hub, live: LiveServer
) -> None:
    admin = hub.issue(None, "admin")
    url = f"{live.url}/system/mcp"
    with httpx.Client(timeout=10) as http:
        session = open_session(http, admin, url)
        issued = _rpc(
            http,
            url,
            admin,
            session,
            call("hub_issue_key", {"project": "shop", "scope": "read", "label": "ci"}),
        )

    assert issued["result"]["isError"] is False
    text = issued["result"]["content"][0]["text"]
    new_key = json.loads(text)["key"]
    assert new_key.startswith("mcphub_")  # the result is where it is meant to be shown, once
    requested = hub.events_of(ToolCall.Requested)
    assert [(r.tool, r.arguments) for r in requested] == [
        ("hub_issue_key", {"project": "shop", "scope": "read", "label": "ci"})
    ]
    assert leaks([new_key, admin], _store_and_logs(hub, live)) == []


def test_a_client_name_shaped_like_a_credential_is_scrubbed_before_it_becomes_an_event(
    hub: Hub, live: LiveServer
) -> None:
    token = "client-info-token-" + "Zr7Yk3" * 3
    opening = initialize()
    opening["params"]["clientInfo"] = {"name": f"Bearer {token}", "version": "1"}
    with httpx.Client(timeout=5) as http:
        opened = http.post(
            f"{live.url}/mcp",
            json=opening,
            headers={**MCP_HEADERS, **bearer(MASTER), "User-Agent": f"Bearer {token}"},
        )
        session = opened.headers["mcp-session-id"]
        _rpc(
            http, f"{live.url}/mcp", MASTER, session, call("wp_get_post", {"site": "shop", "id": 1})
        )

    assert [r.tool for r in hub.events_of(ToolCall.Requested)] == ["wp_get_post"]
    assert leaks([token], _store_and_logs(hub, live)) == []
