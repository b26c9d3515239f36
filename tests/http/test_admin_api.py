"""The admin API over HTTP: keys and projects, authenticated, with one error shape."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from interfaces.bootstrap import Container

SITE = {
    "alias": "shop",
    "base_url": "https://shop.example.com/",
    "wordpress": {"user": "editor", "application_password": "abcd EFGH 1234 ijkl MNOP 5678"},
}


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert "detail" not in response.text
    return dict(body["error"])


def issue(client: TestClient, auth: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post("/api/v1/keys", json=body, headers=auth)
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    return dict(response.json())


def test_health_is_public_and_reports_the_version(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["version"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer x"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer mcphub_aaaaaaaaaaaa_" + "A" * 43},
    ],
)
def test_admin_api_refuses_missing_or_wrong_credentials_with_a_challenge(
    client: TestClient, headers: dict[str, str]
) -> None:
    response = client.get("/api/v1/keys", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] in {"unauthorized", "invalid_token"}


def test_a_credential_in_the_query_string_is_refused_even_when_valid(
    client: TestClient, master: dict[str, str]
) -> None:
    token = master["Authorization"].removeprefix("Bearer ")
    for name in ("access_token", "api_key", "ACCESS%5FTOKEN", "api-key"):
        response = client.get(f"/api/v1/keys?{name}={token}", headers=master)
        assert_error(response, 400, "invalid_request")
        assert token not in response.text


def test_master_issues_an_all_projects_key_that_works_once_shown(
    client: TestClient, master: dict[str, str]
) -> None:
    issued = issue(client, master, all_projects=True, scope="admin", label="ops")
    key = issued["key"]
    assert key.startswith("mcphub_")
    assert issued["info"]["project"] is None
    listed = client.get("/api/v1/keys", headers=bearer(key))
    assert listed.status_code == 200
    assert key not in listed.text
    assert [k["key_id"] for k in listed.json()] == [issued["info"]["key_id"]]
    assert listed.json()[0]["last_used_at"] is None


def test_read_or_write_keys_cannot_use_the_admin_api(
    client: TestClient, master: dict[str, str]
) -> None:
    client.post("/api/v1/projects", json=SITE, headers=master)
    for scope in ("read", "write"):
        key = issue(client, master, project="shop", scope=scope)["key"]
        assert_error(client.get("/api/v1/keys", headers=bearer(key)), 403, "insufficient_scope")


def test_project_admin_key_manages_only_its_own_project(
    client: TestClient, master: dict[str, str]
) -> None:
    client.post("/api/v1/projects", json=SITE, headers=master)
    client.post("/api/v1/projects", json={**SITE, "alias": "blog"}, headers=master)
    shop_admin = bearer(issue(client, master, project="shop", scope="admin")["key"])
    blog_key = issue(client, master, project="blog", scope="read")["info"]["key_id"]

    own = issue(client, shop_admin, project="shop", scope="write")
    assert own["info"]["issued_by"].startswith("key:")
    assert_error(
        client.post("/api/v1/keys", json={"project": "blog", "scope": "read"}, headers=shop_admin),
        403,
        "forbidden",
    )
    assert_error(
        client.post(
            "/api/v1/keys", json={"all_projects": True, "scope": "read"}, headers=shop_admin
        ),
        403,
        "forbidden",
    )
    # Another project's key is invisible: 404, not 403.
    assert_error(
        client.post(f"/api/v1/keys/{blog_key}/revoke", headers=shop_admin), 404, "not_found"
    )
    assert_error(client.get(f"/api/v1/keys/{blog_key}", headers=shop_admin), 404, "not_found")
    listed = client.get("/api/v1/keys", headers=shop_admin).json()
    assert {k["project"] for k in listed} == {"shop"}
    # It cannot register sites, only see its own.
    assert_error(
        client.post("/api/v1/projects", json={**SITE, "alias": "x"}, headers=shop_admin),
        403,
        "forbidden",
    )
    assert [p["alias"] for p in client.get("/api/v1/projects", headers=shop_admin).json()] == [
        "shop"
    ]


def test_rotation_replaces_the_secret_and_keeps_the_id(
    client: TestClient, master: dict[str, str]
) -> None:
    first = issue(client, master, all_projects=True, scope="admin")
    key_id = first["info"]["key_id"]
    rotated = client.post(f"/api/v1/keys/{key_id}/rotate", headers=master)
    assert rotated.status_code == 200
    assert rotated.headers["cache-control"] == "no-store"
    new_key = rotated.json()["key"]
    assert new_key != first["key"] and rotated.json()["info"]["key_id"] == key_id
    assert client.get("/api/v1/keys", headers=bearer(first["key"])).status_code == 401
    assert client.get("/api/v1/keys", headers=bearer(new_key)).status_code == 200


def test_revocation_takes_effect_on_the_next_request(
    client: TestClient, master: dict[str, str]
) -> None:
    issued = issue(client, master, all_projects=True, scope="admin")
    key_id, key = issued["info"]["key_id"], issued["key"]
    assert client.get("/api/v1/keys", headers=bearer(key)).status_code == 200
    revoked = client.post(
        f"/api/v1/keys/{key_id}/revoke", json={"reason": "leaked"}, headers=master
    )
    assert revoked.json()["status"] == "revoked"
    assert_error(client.get("/api/v1/keys", headers=bearer(key)), 401, "invalid_token")
    assert_error(client.delete(f"/api/v1/keys/{key_id}", headers=master), 409, "key_revoked")


def test_a_key_may_revoke_itself(client: TestClient, master: dict[str, str]) -> None:
    issued = issue(client, master, all_projects=True, scope="admin")
    auth = bearer(issued["key"])
    assert (
        client.delete(f"/api/v1/keys/{issued['info']['key_id']}", headers=auth).status_code == 200
    )
    assert client.get("/api/v1/keys", headers=auth).status_code == 401


def test_expired_keys_get_the_same_answer_as_unknown_ones(
    client: TestClient, master: dict[str, str], container: Container
) -> None:
    from datetime import UTC, datetime, timedelta

    soon = datetime.now(UTC) + timedelta(seconds=1)
    issued = issue(client, master, all_projects=True, scope="admin", expires_at=soon.isoformat())

    class Later:
        def now(self) -> datetime:
            return soon + timedelta(seconds=1)

        def monotonic(self) -> float:
            return 0.0

    container.hub.authenticator._clock = Later()  # the clock is the authenticator's seam
    expired = client.get("/api/v1/keys", headers=bearer(issued["key"]))
    unknown = client.get("/api/v1/keys", headers=bearer("mcphub_aaaaaaaaaaaa_" + "A" * 43))
    assert expired.status_code == unknown.status_code == 401
    assert expired.json() == unknown.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scope": "admin"}, "body"),
        ({"scope": "root", "all_projects": True}, "scope"),
        ({"scope": "read", "project": "shop", "all_projects": True}, "body"),
        ({"scope": "read", "all_projects": True, "extra": 1}, "extra"),
        ({"scope": "read", "all_projects": True, "label": "x" * 201}, "label"),
        ({"scope": "read", "all_projects": True, "expires_at": "2020-01-01T00:00:00Z"}, None),
        ({"scope": "read", "all_projects": True, "expires_at": "not a date"}, "expires_at"),
        ({"scope": "read", "project": "nosuch"}, None),
        ([], "body"),
    ],
)
def test_bad_key_requests_get_a_clear_400_and_write_nothing(
    client: TestClient, master: dict[str, str], container: Container, body: Any, field: str | None
) -> None:
    before = container.hub.recorder.max_notification_id()
    response = client.post("/api/v1/keys", json=body, headers=master)
    assert response.status_code in (400, 404), response.text
    error = response.json()["error"]
    if field is not None:
        assert error["field"] == field
    assert container.hub.recorder.max_notification_id() == before


def test_malformed_json_and_oversized_bodies_are_refused_in_the_same_shape(
    client: TestClient, master: dict[str, str]
) -> None:
    headers = {**master, "Content-Type": "application/json"}
    assert_error(
        client.post("/api/v1/keys", content="{nope", headers=headers), 400, "invalid_request"
    )
    big = '{"label": "' + "x" * 70_000 + '"}'
    assert_error(
        client.post("/api/v1/keys", content=big, headers=headers), 413, "payload_too_large"
    )


def test_unknown_routes_and_methods_answer_json(client: TestClient) -> None:
    assert_error(client.get("/nope"), 404, "not_found")
    assert_error(client.put("/health"), 405, "method_not_allowed")


def test_projects_are_created_listed_changed_and_retired_without_their_secrets(
    client: TestClient, master: dict[str, str], container: Container
) -> None:
    created = client.post("/api/v1/projects", json=SITE, headers=master)
    assert created.status_code == 201
    assert created.json()["base_url"] == "https://shop.example.com"
    password = SITE["wordpress"]["application_password"]  # type: ignore[index]
    assert password not in created.text

    changed = client.put(
        "/api/v1/projects/shop/credentials",
        json={
            "wordpress": {"user": "editor2", "application_password": "new pass 1234"},
            "woocommerce": {"consumer_key": "ck_live_1", "consumer_secret": "cs_live_2"},
        },
        headers=master,
    )
    assert changed.status_code == 200
    assert changed.json()["has_woocommerce"] is True
    assert "cs_live_2" not in changed.text
    credentials = container.hub.project_credentials("shop")
    assert (credentials.wp_user, credentials.wp_password) == ("editor2", "new pass 1234")
    assert credentials.wc_secret == "cs_live_2"

    listed = client.get("/api/v1/projects", headers=master).json()
    assert [p["alias"] for p in listed] == ["shop"]
    assert client.get("/api/v1/projects/shop", headers=master).json()["wp_user"] == "editor2"

    key = issue(client, master, project="shop", scope="read")["key"]
    removed = client.delete("/api/v1/projects/shop", headers=master)
    assert removed.status_code == 200 and removed.json()["status"] == "retired"
    assert client.get("/api/v1/projects", headers=master).json() == []
    assert_error(client.get("/api/v1/projects/shop", headers=master), 404, "not_found")
    # Retiring a site ends its keys: a new site under the old alias must not inherit them.
    assert container.hub.authenticator.authenticate(key) is None


@pytest.mark.parametrize(
    ("patch", "status", "field"),
    [
        ({"alias": "Shop!"}, 400, "alias"),
        ({"alias": "api"}, 400, "alias"),
        ({"base_url": "ftp://x"}, 400, "base_url"),
        ({"base_url": "https://user:pw@shop.example.com"}, 400, "base_url"),
        ({"base_url": "https://shop.example.com:99999"}, 400, "base_url"),
        ({"wordpress": {"user": "a"}}, 400, "wordpress.application_password"),
        ({"wordpress": "x"}, 400, "wordpress"),
        ({"woocommerce": {"consumer_key": "ck"}}, 400, "woocommerce.consumer_secret"),
    ],
)
def test_bad_project_requests_name_the_field_and_never_echo_the_secret(
    client: TestClient,
    master: dict[str, str],
    container: Container,
    patch: dict[str, Any],
    status: int,
    field: str,
) -> None:
    before = container.hub.recorder.max_notification_id()
    response = client.post("/api/v1/projects", json={**SITE, **patch}, headers=master)
    assert response.status_code == status, response.text
    assert response.json()["error"]["field"] == field
    assert "abcd EFGH" not in response.text and "user:pw" not in response.text
    assert container.hub.recorder.max_notification_id() == before


def test_a_second_project_with_a_live_alias_conflicts(
    client: TestClient, master: dict[str, str]
) -> None:
    assert client.post("/api/v1/projects", json=SITE, headers=master).status_code == 201
    assert_error(client.post("/api/v1/projects", json=SITE, headers=master), 409, "conflict")


def test_the_openapi_document_describes_the_admin_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/api/v1/keys", "/api/v1/keys/{key_id}/rotate", "/api/v1/projects", "/health"} <= set(
        spec["paths"]
    )
    assert "ErrorBody" in spec["components"]["schemas"]
    assert client.get("/docs").status_code == 200


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/keys", {"scope": "read", "all_projects": True, "label": "\ud800"}, "label"),
        ("/api/v1/keys", {"scope": "read", "all_projects": True, "label": "a\x00b"}, "label"),
        (
            "/api/v1/projects",
            {**SITE, "wordpress": {"user": "e", "application_password": "\udfff"}},
            "wordpress.application_password",
        ),
        (
            "/api/v1/projects",
            {**SITE, "wordpress": {"user": "\ud800", "application_password": "p"}},
            "wordpress.user",
        ),
        ("/api/v1/projects", {**SITE, "base_url": "https://x.example/\ud800"}, "base_url"),
    ],
)
def test_unstorable_text_is_refused_as_bad_input_not_a_server_error(
    client: TestClient,
    master: dict[str, str],
    container: Container,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    import json

    before = container.hub.recorder.max_notification_id()
    raw = json.dumps(body)  # keeps lone surrogates as \\u escapes, as a client would send them
    response = client.post(
        path, content=raw, headers={**master, "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["field"] == field
    assert container.hub.recorder.max_notification_id() == before


def test_a_key_cannot_issue_a_key_that_outlives_it(
    client: TestClient, master: dict[str, str]
) -> None:
    from datetime import UTC, datetime, timedelta

    parent_expiry = datetime.now(UTC) + timedelta(days=1)
    parent = issue(
        client, master, all_projects=True, scope="admin", expires_at=parent_expiry.isoformat()
    )
    auth = bearer(parent["key"])
    forever = client.post("/api/v1/projects", json=SITE, headers=master)
    assert forever.status_code == 201
    unbounded = issue(client, auth, project="shop", scope="write")
    later = issue(
        client,
        auth,
        project="shop",
        scope="read",
        expires_at=(parent_expiry + timedelta(days=30)).isoformat(),
    )
    for child in (unbounded, later):
        assert child["info"]["expires_at"] is not None
        assert datetime.fromisoformat(child["info"]["expires_at"]) <= parent_expiry


def test_expiry_is_stored_in_utc_and_absurd_offsets_are_refused(
    client: TestClient, master: dict[str, str]
) -> None:
    shifted = issue(
        client, master, all_projects=True, scope="read", expires_at="2099-01-01T10:00:00+05:00"
    )
    assert shifted["info"]["expires_at"] == "2099-01-01T05:00:00Z"
    response = client.post(
        "/api/v1/keys",
        json={"all_projects": True, "scope": "read", "expires_at": "9999-12-31T23:59:59-14:00"},
        headers=master,
    )
    assert_error(response, 400, "invalid_request")
    assert response.json()["error"]["field"] == "expires_at"


def test_a_foreign_host_is_refused_everywhere_but_the_liveness_probe(
    container: Container, master: dict[str, str]
) -> None:
    from interfaces.http.app import create_app

    with TestClient(create_app(container), base_url="http://rebound.attacker.example") as foreign:
        assert_error(foreign.get("/api/v1/keys", headers=master), 421, "misdirected_request")
        assert foreign.get("/docs").status_code == 421
        assert foreign.get("/health").status_code == 200


def test_a_trailing_slash_is_a_json_404_not_a_redirect_built_from_the_host(
    client: TestClient, master: dict[str, str]
) -> None:
    response = client.get("/api/v1/keys/", headers=master, follow_redirects=False)
    assert_error(response, 404, "not_found")
    assert "location" not in response.headers


def test_a_chunked_body_over_the_cap_is_a_413_in_the_error_shape(
    client: TestClient, master: dict[str, str]
) -> None:
    def chunks() -> Any:
        for _ in range(80):
            yield b"x" * 1024

    response = client.post(
        "/api/v1/keys", content=chunks(), headers={**master, "Content-Type": "application/json"}
    )
    assert_error(response, 413, "payload_too_large")


@pytest.mark.parametrize(
    "query",
    [
        "x-api-key=abc",
        "key%5B%5D=abc",
        "password=hunter2",
        "ACCESS%5FTOKEN=abc",
        "q=mcphub_abcdefghijkl_" + "A" * 43,
    ],
)
def test_any_credential_in_the_query_string_is_refused(
    client: TestClient, master: dict[str, str], query: str
) -> None:
    assert_error(client.get(f"/api/v1/keys?{query}", headers=master), 400, "invalid_request")


def test_the_access_log_masks_keys_in_paths_and_cannot_be_forged(
    client: TestClient, master: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    secret_part = "S" * 43
    caplog.set_level(logging.INFO, logger="mcphub.access")
    client.get(f"/api/v1/keys/mcphub_abcdefghijkl_{secret_part}%0Aforged 200", headers=master)
    lines = [r.getMessage() for r in caplog.records if r.name == "mcphub.access"]
    assert lines
    assert all(secret_part not in line and "\n" not in line for line in lines)
    assert any("[REDACTED]" in line for line in lines)


def test_changing_wordpress_credentials_keeps_the_shop_unless_told_otherwise(
    client: TestClient, master: dict[str, str], container: Container
) -> None:
    shop = {**SITE, "woocommerce": {"consumer_key": "ck_1", "consumer_secret": "cs_1"}}
    assert client.post("/api/v1/projects", json=shop, headers=master).status_code == 201
    wordpress = {"user": "editor", "application_password": "new one"}
    kept = client.put(
        "/api/v1/projects/shop/credentials", json={"wordpress": wordpress}, headers=master
    )
    assert kept.json()["has_woocommerce"] is True
    assert container.hub.project_credentials("shop").wc_secret == "cs_1"
    removed = client.put(
        "/api/v1/projects/shop/credentials",
        json={"wordpress": wordpress, "woocommerce": None},
        headers=master,
    )
    assert removed.json()["has_woocommerce"] is False


def test_a_label_that_carries_a_credential_is_refused(
    client: TestClient, master: dict[str, str]
) -> None:
    key = issue(client, master, all_projects=True, scope="read")["key"]
    response = client.post(
        "/api/v1/keys",
        json={"all_projects": True, "scope": "read", "label": f"copy of {key}"},
        headers=master,
    )
    error = assert_error(response, 400, "invalid_request")
    assert error["field"] == "label"
    assert key not in response.text


def test_a_new_project_under_a_retired_alias_does_not_see_the_old_projects_keys(
    client: TestClient, master: dict[str, str]
) -> None:
    assert client.post("/api/v1/projects", json=SITE, headers=master).status_code == 201
    old = issue(client, master, project="shop", scope="write", label="old site")
    assert client.delete("/api/v1/projects/shop", headers=master).status_code == 200
    assert client.post("/api/v1/projects", json=SITE, headers=master).status_code == 201
    admin = bearer(issue(client, master, project="shop", scope="admin", label="new")["key"])
    listed = client.get("/api/v1/keys", headers=admin).json()
    assert [k["label"] for k in listed] == ["new"]
    old_id = old["info"]["key_id"]
    assert_error(client.get(f"/api/v1/keys/{old_id}", headers=admin), 404, "not_found")
    assert_error(client.post(f"/api/v1/keys/{old_id}/rotate", headers=admin), 404, "not_found")
    # The master key still sees the whole history.
    assert old_id in {k["key_id"] for k in client.get("/api/v1/keys", headers=master).json()}
