"""The one redactor (F16): no credential reaches a record, whatever its shape; tool results keep
their content; recorded arguments keep identifiers and lose free text and personal data."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from application.redaction import (
    DIGEST_CAP,
    MASK,
    mask_result_secrets,
    minimise,
    redact,
    redact_text,
)

HUB_ID = "abcdefghijk2"
HUB_SECRET = "Zq9xW3vB7nM1kL5pR8tY2uI4oA6sD0fG3hJ5kL7zX9c"
HUB_KEY = f"mcphub_{HUB_ID}_{HUB_SECRET}"
JWT = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ"
    ".eyJzdWIiOiJhZG1pbiIsImF1ZCI6Imh0dHBzOi8vaHViL21jcCJ9"
    ".Sg4nAtUr3-bYtEs_0f_tHe_s1gNaTuRe"
)
CK = "ck_" + "0123456789abcdef" * 2 + "01234567"
CS = "cs_" + "fedcba9876543210" * 2 + "76543210"
APP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"
BASIC = base64.b64encode(b"admin:Sup3rS3cret!").decode()


def fake_hmac(text: str) -> str:
    return hmac.new(b"pseudonymisation key", text.encode(), hashlib.sha256).hexdigest()


# -- key names ---------------------------------------------------------------------------------

CREDENTIAL_NAMES = [
    "password",
    "db.password",
    "authToken",
    "Consumer_Secret",
    "X-Api-Key",
    "wpPassword",
    "PASSWORD",
    "passwd",
    "pwd",
    "user_pass",
    "client_secret",
    "refresh_token",
    "access_token",
    "id_token",
    "code_verifier",
    "consumer_key",
    "api_key",
    "apikey",
    "APIKey",
    "private_key",
    "key",
    "application_password",
    "app_password",
    "otp",
    "Authorization",
    "HTTP_AUTHORIZATION",
    "Cookie",
    "set-cookie",
    "session",
    "credentials",
    "signature",
    "user[password]",
    "x-wp-nonce",
    "passwords",
    "password2",
    "basic_auth",
]


@pytest.mark.parametrize("name", CREDENTIAL_NAMES)
def test_a_key_naming_a_credential_is_masked_in_every_spelling(name: str) -> None:
    assert redact({name: "v4lue-0f-the-secret", "title": "kept"}) == {name: MASK, "title": "kept"}


NOT_CREDENTIALS = [
    ("key_id", "abcdefghijk2"),
    ("keyword", "summer"),
    ("monkey", "george"),
    ("keys", ["title", "content"]),
    ("tokens_used", 1234),
    ("max_tokens", 512),
    ("content", "Remember to change your password every month."),
    ("session_id", "3f2a"),
    ("oauth_client_id", "client-1"),
    ("client_secret_expires_at", 0),
    ("token_type", "Bearer"),
    ("token_endpoint_auth_method", "none"),
    ("authorization_endpoint", "https://hub.example/authorize"),
    ("meta_key", "_price"),
    ("sort_key", "date"),
    ("password_protected", True),
    ("author", 7),
    ("secretary", "Ms Moneypenny"),
    ("code", "rest_post_invalid_id"),
    ("state", "publish"),
    ("id_token_signing_alg_values_supported", ["RS256"]),
    ("authorization_servers", ["https://hub.example"]),
]


@pytest.mark.parametrize(("name", "value"), NOT_CREDENTIALS)
def test_a_name_that_only_resembles_a_credential_is_kept(name: str, value: Any) -> None:
    assert redact({name: value}) == {name: value}


def test_a_credential_key_is_found_at_depth_five_inside_lists_of_dicts() -> None:
    data = {"a": [{"b": [{"c": {"d": [{"e": {"db.password": "hunter2", "port": 5432}}]}}]}]}

    assert redact(data) == {
        "a": [{"b": [{"c": {"d": [{"e": {"db.password": MASK, "port": 5432}}]}}]}]
    }


def test_every_scalar_under_a_credential_key_is_masked_but_null_stays_null() -> None:
    data = {"pin_password": 1234, "token": True, "secret": 1.5, "api_key": None, "otp": ""}

    assert redact(data) == {
        "pin_password": MASK,
        "token": MASK,
        "secret": MASK,
        "api_key": None,
        "otp": MASK,
    }


def test_an_object_under_a_credential_key_keeps_its_keys_and_loses_every_value() -> None:
    data = {"credentials": {"user": "bob", "pass": ["a", 1], "extra": {"n": 2.5}}}

    assert redact(data) == {
        "credentials": {"user": MASK, "pass": [MASK, MASK], "extra": {"n": MASK}}
    }


def test_a_masked_header_keeps_its_auth_scheme_and_a_hub_key_its_public_prefix() -> None:
    data = {
        "Authorization": "Bearer x",
        "proxy-authorization": f"Basic {BASIC}",
        "X-Api-Key": HUB_KEY,
    }

    assert redact(data) == {
        "Authorization": f"Bearer {MASK}",
        "proxy-authorization": f"Basic {MASK}",
        "X-Api-Key": f"mcphub_{HUB_ID}_{MASK}",
    }


def test_a_name_value_pair_masks_the_value_when_the_name_is_a_credential() -> None:
    data = {
        "meta_data": [
            {"id": 1, "key": "_price", "value": "9.99"},
            {"id": 2, "key": "stripe_secret_key", "value": "sk_live_51Habc"},
        ],
        "headers": [{"name": "Authorization", "value": "Bearer sk_live_51Habc"}],
    }

    assert redact(data) == {
        "meta_data": [
            {"id": 1, "key": "_price", "value": "9.99"},
            {"id": 2, "key": "stripe_secret_key", "value": MASK},
        ],
        "headers": [{"name": "Authorization", "value": f"Bearer {MASK}"}],
    }


def test_code_and_state_are_masked_only_in_a_mapping_that_is_an_oauth_request() -> None:
    token_request = {
        "grant_type": "authorization_code",
        "code": "SplxlOBeZQQYbYS6WxSbIA",
        "state": "af0ifjsldkj",
        "redirect_uri": "https://client.example/cb",
    }
    wordpress_error = {"code": "rest_post_invalid_id", "message": "Invalid post ID.", "state": 1}

    assert redact(token_request) == {**token_request, "code": MASK, "state": MASK}
    assert redact(wordpress_error) == wordpress_error


# -- value shapes ------------------------------------------------------------------------------

SHAPES = [
    (f"Bearer {JWT}", f"Bearer {MASK}"),
    ("bearer 8d9f7a6b5c4e3f21", f"bearer {MASK}"),
    (f"Basic {BASIC}", f"Basic {MASK}"),
    (HUB_KEY, f"mcphub_{HUB_ID}_{MASK}"),
    (JWT, MASK),
    (CK, f"ck_{MASK}"),
    (CS, f"cs_{MASK}"),
    (APP_PASSWORD, MASK),
    (f"use {HUB_KEY} for the import", f"use mcphub_{HUB_ID}_{MASK} for the import"),
    (f"the token {JWT} expired", f"the token {MASK} expired"),
    (f"keys {CK} / {CS} rejected", f"keys ck_{MASK} / cs_{MASK} rejected"),
    (f"app password {APP_PASSWORD} was revoked", f"app password {MASK} was revoked"),
]


@pytest.mark.parametrize(("text", "expected"), SHAPES)
def test_a_credential_shaped_value_is_masked_under_an_innocent_key(
    text: str, expected: str
) -> None:
    assert redact({"note": text}) == {"note": expected}


@pytest.mark.parametrize(
    "text",
    [
        "Basic information about the shop",
        "Basic Only registered customers see prices",
        "This That With From Have Been",
        "bearer of bad news",
        "mcphub_ is the prefix of every key",
        "ck_ and cs_ start WooCommerce keys",
    ],
)
def test_prose_that_only_looks_like_a_credential_is_kept(text: str) -> None:
    assert redact({"note": text}) == {"note": text}


def test_a_url_with_userinfo_keeps_everything_but_the_userinfo() -> None:
    assert redact({"url": "https://admin:Pa55word@shop.example:8443/wp-json/?page=2"}) == {
        "url": f"https://{MASK}@shop.example:8443/wp-json/?page=2"
    }


SENSITIVE_PARAMETERS = [
    "access_token",
    "token",
    "key",
    "api_key",
    "consumer_key",
    "consumer_secret",
    "code",
    "state",
    "code_verifier",
    "refresh_token",
    "client_secret",
    "password",
    "signature",
    "oauth_signature",
    "access%5Ftoken",
    "ACCESS_TOKEN",
    "Access%5FToken",
]


@pytest.mark.parametrize("name", SENSITIVE_PARAMETERS)
def test_a_sensitive_query_parameter_is_masked_and_the_rest_of_the_url_kept(name: str) -> None:
    url = f"https://shop.example/wp-json/wc/v3/orders?page=2&{name}=S3cretValue9&per_page=10"

    assert redact({"url": url}) == {
        "url": f"https://shop.example/wp-json/wc/v3/orders?page=2&{name}={MASK}&per_page=10"
    }


def test_a_token_in_a_url_fragment_is_masked() -> None:
    url = "https://client.example/cb#access_token=AT-1234567&state=xyz&expires_in=3600"

    assert redact_text(url) == (
        f"https://client.example/cb#access_token={MASK}&state={MASK}&expires_in=3600"
    )


def test_redacted_data_is_still_json_with_the_same_structure_and_keys() -> None:
    data = {
        "site": "shop",
        "auth": {"username": "admin", "password": "hunter2"},
        "headers": {"Authorization": f"Bearer {JWT}", "Accept": "application/json"},
        "items": [{"id": 1, "note": f"key {CK}"}, {"id": 2, "url": "https://u:p@h/?token=t"}],
        "text": 'payload {"client_secret": "shh", "n": 1}',
        "count": 3,
        "ratio": 0.5,
        "flag": False,
        "missing": None,
    }

    def shape(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: shape(item) for key, item in value.items()}
        if isinstance(value, list):
            return [shape(item) for item in value]
        return "scalar"

    redacted = redact(data)
    round_trip = json.loads(json.dumps(redacted))

    assert round_trip == redacted
    assert shape(redacted) == shape(data)
    assert redacted["text"] == f'payload {{"client_secret": "{MASK}", "n": 1}}'
    assert json.loads(redacted["text"].removeprefix("payload ")) == {"client_secret": MASK, "n": 1}


def test_redact_returns_a_copy_and_leaves_its_input_alone() -> None:
    data = {"password": "x", "list": [{"token": "y"}], "pair": ("a", {"secret": "z"})}
    before = copy.deepcopy(data)

    redacted = redact(data)

    assert data == before
    assert redacted == {
        "password": MASK,
        "list": [{"token": MASK}],
        "pair": ("a", {"secret": MASK}),
    }


def test_redacting_twice_changes_nothing_more() -> None:
    data = {"log": f"Authorization: Bearer {JWT} from https://a:b@h/?code=c", "key": HUB_KEY}

    once = redact(data)

    assert redact(once) == once


def test_nesting_deeper_than_any_real_argument_is_masked_instead_of_overflowing() -> None:
    data: Any = "deepest"
    for _ in range(5000):
        data = [data]

    redacted = redact(data)

    depth = 0
    while isinstance(redacted, list):
        redacted, depth = redacted[0], depth + 1
    assert redacted == MASK
    assert depth < 100


def test_deep_nesting_under_a_credential_key_is_masked_without_overflowing() -> None:
    data: Any = "hunter2"
    for _ in range(5000):
        data = [data]

    redacted = redact({"password": data})["password"]

    depth = 0
    while isinstance(redacted, list):
        redacted, depth = redacted[0], depth + 1
    assert redacted == MASK
    assert depth < 100


# -- free text ---------------------------------------------------------------------------------

LOG_LINES = [
    (
        'GET /mcp?access_token=abc123xyz HTTP/1.1" 401',
        f'GET /mcp?access_token={MASK} HTTP/1.1" 401',
    ),
    ("GET /mcp?access%5Ftoken=abc123xyz 401", f"GET /mcp?access%5Ftoken={MASK} 401"),
    ("Authorization: Bearer x", f"Authorization: Bearer {MASK}"),
    ("authorization: basic Zm9vOmJhcg==", f"authorization: basic {MASK}"),
    (f"X-Api-Key: {HUB_KEY}", f"X-Api-Key: mcphub_{HUB_ID}_{MASK}"),
    ("Cookie: wordpress_logged_in_1a2b=admin%7C1700; other=1", f"Cookie: {MASK}"),
    ("login failed password=hunter2 user=bob", f"login failed password={MASK} user=bob"),
    ("--db-password=hunter2 --db-host=localhost", f"--db-password={MASK} --db-host=localhost"),
    (
        "grant_type=authorization_code&code=SplxlOBeZQ&code_verifier=dBjftJeZ4CVP"
        "&client_secret=shh&redirect_uri=https%3A%2F%2Fc.example%2Fcb",
        f"grant_type=authorization_code&code={MASK}&code_verifier={MASK}"
        f"&client_secret={MASK}&redirect_uri=https%3A%2F%2Fc.example%2Fcb",
    ),
    (
        "refresh_token=rt-998877&client_id=c1",
        f"refresh_token={MASK}&client_id=c1",
    ),
    (
        'body={"password": "hunter2", "nested": {"refresh_token": "rt"}, "pin": 7}',
        f'body={{"password": "{MASK}", "nested": {{"refresh_token": "{MASK}"}}, "pin": 7}}',
    ),
    (
        '{"credentials": {"user": "a", "n": 1}}',
        f'{{"credentials": {{"user": "{MASK}", "n": "{MASK}"}}}}',
    ),
    (
        "{'Authorization': 'Bearer abc', 'Accept': '*/*'}",
        f"{{'Authorization': 'Bearer {MASK}', 'Accept': '*/*'}}",
    ),
    (
        'failed: {\\"client_secret\\": \\"shh\\"}',
        f'failed: {{\\"client_secret\\": \\"{MASK}\\"}}',
    ),
    (
        f"POST https://shop.example/wp-json/wc/v3/products?consumer_key={CK}&consumer_secret={CS}",
        f"POST https://shop.example/wp-json/wc/v3/products?consumer_key=ck_{MASK}"
        f"&consumer_secret=cs_{MASK}",
    ),
]


@pytest.mark.parametrize(("line", "expected"), LOG_LINES)
def test_redact_text_masks_credentials_in_log_lines_and_form_bodies(
    line: str, expected: str
) -> None:
    assert redact_text(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "upstream answered status=404 code=rest_no_route",
        "code: rest_post_invalid_id, message: Invalid post ID.",
        "tokens_used=1532 max_tokens=4096",
        "the state is publish; key_id=abcdefghijk2",
        "at 2024-05-01T10:00:00Z the site answered 200",
        "",
    ],
)
def test_redact_text_keeps_lines_without_credentials_as_they_are(line: str) -> None:
    assert redact_text(line) == line


def test_adversarial_text_is_scrubbed_in_linear_time() -> None:
    inputs = [
        '{"password": {' * 40_000,
        "password" + " " * 500_000,
        "https://" + "a" * 500_000,
        "eyJ" + "a" * 500_000,
        '{"password": ' + "[" * 200_000,
        "ab+" * 200_000,
    ]
    for text in inputs:
        started = time.perf_counter()
        redact_text(text)
        assert time.perf_counter() - started < 2.0, text[:20]


# -- tool results ------------------------------------------------------------------------------


def test_a_webhook_secret_in_a_result_is_masked_and_the_rest_kept() -> None:
    webhook = {
        "id": 142,
        "name": "Order created",
        "status": "active",
        "topic": "order.created",
        "delivery_url": "https://hooks.example/wc",
        "secret": "whsec_Kd83jdKs92",
    }

    assert mask_result_secrets([webhook]) == [{**webhook, "secret": MASK}]


def test_payment_gateway_settings_that_name_a_key_or_password_are_masked() -> None:
    gateway = {
        "id": "stripe",
        "title": "Credit card",
        "enabled": True,
        "settings": {
            "title": {"id": "title", "label": "Title", "value": "Credit card"},
            "testmode": {"id": "testmode", "type": "checkbox", "value": "no"},
            "secret_key": {"id": "secret_key", "label": "Secret key", "value": "sk_live_51H"},
            "publishable_key": {"id": "publishable_key", "value": "pk_live_51H"},
            "api_password": "Pp-7733",
            "api_username": "merchant",
        },
    }

    masked = mask_result_secrets(gateway)

    assert masked["settings"] == {
        "title": {"id": "title", "label": "Title", "value": "Credit card"},
        "testmode": {"id": "testmode", "type": "checkbox", "value": "no"},
        "secret_key": {"id": "secret_key", "label": "Secret key", "value": MASK},
        "publishable_key": {"id": "publishable_key", "value": MASK},
        "api_password": MASK,
        "api_username": "merchant",
    }
    assert {k: v for k, v in masked.items() if k != "settings"} == {
        k: v for k, v in gateway.items() if k != "settings"
    }


def test_a_settings_entry_answered_on_its_own_masks_its_value() -> None:
    setting = {"id": "webhook_secret", "label": "Webhook secret", "type": "text", "value": "w5"}

    assert mask_result_secrets(setting) == {**setting, "value": MASK}


def test_application_password_values_and_woocommerce_keys_in_results_are_masked() -> None:
    created = {
        "uuid": "6d1c7a8e-1b2c-4d5e-8f90-123456789abc",
        "app_id": "",
        "name": "mcp-hub",
        "created": "2024-05-01T10:00:00",
        "last_used": None,
        "password": "abcdEFGH1234ijklMNOP5678",
    }
    rotated = {"uuid": created["uuid"], "new_password": APP_PASSWORD}
    user = {"id": 1, "name": "admin", "application_passwords": [{"uuid": "u1", "name": "cli"}]}
    keys = {"key_id": 4, "consumer_key": CK, "consumer_secret": CS, "key_permissions": "read"}

    assert mask_result_secrets(created) == {**created, "password": MASK}
    assert mask_result_secrets(rotated) == {"uuid": created["uuid"], "new_password": MASK}
    assert mask_result_secrets(user) == {
        **user,
        "application_passwords": [{"uuid": MASK, "name": MASK}],
    }
    assert mask_result_secrets(keys) == {
        **keys,
        "consumer_key": f"ck_{MASK}",
        "consumer_secret": f"cs_{MASK}",
    }


def test_post_content_that_mentions_passwords_and_bearer_tokens_survives_a_result_mask() -> None:
    raw = f"Use Bearer abc, password=hunter2, {HUB_KEY} and {JWT} in the tutorial."
    post = {
        "id": 7,
        "status": "draft",
        "password": "members-only",
        "title": {"raw": "Password tips", "rendered": "Password tips"},
        "content": {"raw": raw, "rendered": f"<p>{raw}</p>"},
        "meta": {"footnotes": ""},
        "meta_data": [{"id": 3, "key": "_subtitle", "value": "Authorization: Bearer abc"}],
    }

    assert mask_result_secrets(post) == post
    assert mask_result_secrets({"key": HUB_KEY, "info": {"key_id": HUB_ID}}) == {
        "key": HUB_KEY,
        "info": {"key_id": HUB_ID},
    }


def test_a_masked_result_is_a_copy() -> None:
    webhook = {"id": 1, "secret": "s", "hooks": ["a"]}

    masked = mask_result_secrets(webhook)
    masked["hooks"].append("b")

    assert webhook == {"id": 1, "secret": "s", "hooks": ["a"]}


# -- recorded arguments ------------------------------------------------------------------------


def test_minimise_keeps_identifiers_and_options_and_digests_personal_text() -> None:
    calls: list[str] = []

    def pseudonymise(text: str) -> str:
        calls.append(text)
        return fake_hmac(text)

    body = "Dear Alice, your order 1042 ships tomorrow."
    arguments = {
        "site": "shop",
        "id": 12,
        "status": "draft",
        "categories": [1, 2],
        "sticky": False,
        "content": body,
        "title": "Hi Alice",
        "excerpt": None,
        "password": "hunter2",
    }

    recorded = minimise(arguments, frozenset({"content", "title", "excerpt"}), pseudonymise)

    assert recorded == {
        "site": "shop",
        "id": 12,
        "status": "draft",
        "categories": [1, 2],
        "sticky": False,
        "content": {"digest": fake_hmac(body), "length": len(body)},
        "title": {"digest": fake_hmac("Hi Alice"), "length": 8},
        "excerpt": None,
        "password": MASK,
    }
    assert sorted(calls) == sorted([body, "Hi Alice"])


def test_minimise_digests_a_personal_object_as_canonical_json() -> None:
    billing = {"last_name": "Smith", "first_name": "Alice", "email": "alice@example.org"}
    canonical = '{"email":"alice@example.org","first_name":"Alice","last_name":"Smith"}'

    recorded = minimise({"customer_id": 5, "billing": billing}, {"billing"}, fake_hmac)

    assert recorded == {
        "customer_id": 5,
        "billing": {"digest": fake_hmac(canonical), "length": len(canonical)},
    }


def test_minimise_digests_personal_names_at_any_depth() -> None:
    recorded = minimise({"line_items": [{"product_id": 9, "note": "for Bob"}]}, {"note"}, fake_hmac)

    assert recorded == {
        "line_items": [{"product_id": 9, "note": {"digest": fake_hmac("for Bob"), "length": 7}}]
    }


def test_minimise_digests_long_strings_and_base64_blobs_anywhere() -> None:
    long_text = "x" * (DIGEST_CAP + 1)
    at_cap = "y" * DIGEST_CAP
    blob = base64.b64encode(bytes(range(256)) * 2).decode()
    data_url = "data:image/png;base64,iVBORw0KGgo="

    recorded = minimise(
        {"a": long_text, "b": at_cap, "media": {"file": blob}, "icon": data_url, "n": "short"},
        (),
        fake_hmac,
    )

    assert recorded == {
        "a": {"digest": fake_hmac(long_text), "length": DIGEST_CAP + 1},
        "b": at_cap,
        "media": {"file": {"digest": fake_hmac(blob), "length": len(blob)}},
        "icon": {"digest": fake_hmac(data_url), "length": len(data_url)},
        "n": "short",
    }


def test_minimise_redacts_what_it_keeps_and_answers_plain_json() -> None:
    recorded = minimise(
        {"url": "https://u:p@h/?token=t1234567", "ids": (1, 2), "auth": {"api_key": "k"}},
        (),
        fake_hmac,
    )

    assert recorded == {
        "url": f"https://{MASK}@h/?token={MASK}",
        "ids": [1, 2],
        "auth": {"api_key": MASK},
    }
    assert json.loads(json.dumps(recorded)) == recorded


# -- no secret survives, whatever the container -------------------------------------------------

SECRETS: list[tuple[str, tuple[str, ...]]] = [
    (f"Bearer {JWT}", (JWT, JWT.split(".")[2])),
    ("Bearer 9f8e7d6c5b4a3921", ("9f8e7d6c5b4a3921",)),
    (f"Basic {BASIC}", (BASIC,)),
    (HUB_KEY, (HUB_SECRET,)),
    (JWT, (JWT.split(".")[1], JWT.split(".")[2])),
    (CK, (CK[3:],)),
    (CS, (CS[3:],)),
    (APP_PASSWORD, (APP_PASSWORD, "1234 ijkl MNOP")),
    ("https://admin:Pa55w0rdZ@shop.example/wp-json", ("Pa55w0rdZ", "admin:")),
    ("https://shop.example/mcp?access_token=AT77aa88bb", ("AT77aa88bb",)),
    ("https://shop.example/mcp?ACCESS%5FTOKEN=AT55cc66dd", ("AT55cc66dd",)),
    ("client_secret=CS55secret&code=AUTHCODE123", ("CS55secret", "AUTHCODE123")),
    ("Authorization: Bearer shorty", ("shorty",)),
    ("X-WC-Webhook-Signature: c2lnbmF0dXJl", ("c2lnbmF0dXJl",)),
    ('{"refresh_token": "RT-0099-zz"}', ("RT-0099-zz",)),
]

CONTAINERS: list[Callable[[str], Any]] = [
    lambda text: text,
    lambda text: {"note": text},
    lambda text: {"password": text},
    lambda text: {"a": [{"b": ({"c": [f"see {text} now"]},)}]},
    lambda text: {"error": f"upstream said: {text}"},
    lambda text: {"body": json.dumps({"message": text})},
    lambda text: {"log": f'127.0.0.1 "POST /wp-json HTTP/1.1" 401 {text}'},
    lambda text: {"headers": [{"name": "X-Note", "value": text}]},
    lambda text: [text, {"k": text}],
]


def test_no_input_secret_survives_in_any_output_of_any_container() -> None:
    leaks = []
    for text, secrets in SECRETS:
        for index, container in enumerate(CONTAINERS):
            data = container(text)
            outputs = {
                "redact": json.dumps(redact(data)),
                "minimise": json.dumps(minimise({"arg": data}, (), fake_hmac)),
            }
            if isinstance(data, str):
                outputs["redact_text"] = redact_text(data)
            for where, output in outputs.items():
                leaks += [(text, index, where, s) for s in secrets if s in output]

    assert leaks == []
