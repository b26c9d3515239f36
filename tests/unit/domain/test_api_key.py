"""The ApiKey aggregate and the key format."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest

from application.key_commands import new_key_parts
from domain.api_key import (
    KEY_PREFIX,
    ApiKey,
    KeyParts,
    check_key_id,
    check_label,
    parse_key,
    public_prefix,
)
from domain.errors import InvalidValueError, KeyExpiredError, KeyRevokedError
from domain.scopes import Scope

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
KEY_ID = "abcdefghijkl"
SECRET = "s" * 43


def issue(expires_at: datetime | None = None, project: str | None = "shop") -> ApiKey:
    return ApiKey(
        key_id=KEY_ID,
        prefix=public_prefix(KEY_ID),
        digest="digest-1",
        project=project,
        scope="write",
        expires_at=expires_at,
        label="ci deploys",
        actor="master",
    )


def replay(events: list[ApiKey.Event]) -> ApiKey:
    aggregate = None
    for event in events:
        aggregate = event.mutate(aggregate)
    assert isinstance(aggregate, ApiKey)
    return aggregate


def test_issuing_records_one_issued_event_with_the_keys_binding() -> None:
    key = issue(expires_at=NOW + timedelta(days=1))
    events = key.collect_events()
    assert [type(e) for e in events] == [ApiKey.Issued]
    issued = events[0]
    assert (issued.key_id, issued.project, issued.scope) == (KEY_ID, "shop", "write")
    assert key.scope is Scope.WRITE
    assert key.digest == "digest-1"
    assert key.issued_by == "master"
    assert not key.is_revoked


def test_key_id_determines_the_aggregate_id() -> None:
    assert issue().id == ApiKey.create_id(KEY_ID)
    assert ApiKey.create_id(KEY_ID) != ApiKey.create_id("bcdefghijklm")


def test_rotation_replaces_the_digest_and_keeps_id_scope_and_project() -> None:
    key = issue()
    key.rotate("digest-2", actor="master", now=NOW)
    assert key.digest == "digest-2"
    assert (key.key_id, key.scope, key.project) == (KEY_ID, Scope.WRITE, "shop")
    assert [type(e) for e in key.collect_events()] == [ApiKey.Issued, ApiKey.Rotated]


def test_revocation_marks_the_key_revoked_and_keeps_a_short_reason() -> None:
    key = issue()
    key.revoke(actor="master", reason="x" * 500)
    events = key.collect_events()
    assert key.is_revoked
    assert isinstance(events[-1], ApiKey.Revoked)
    assert events[-1].reason == "x" * 200


def test_replaying_the_events_rebuilds_the_same_state() -> None:
    key = issue(expires_at=NOW + timedelta(days=1))
    key.rotate("digest-2", actor="master", now=NOW)
    key.revoke(actor="master")
    again = replay(key.collect_events())
    assert (again.digest, again.is_revoked, again.expires_at, again.version) == (
        "digest-2",
        True,
        NOW + timedelta(days=1),
        key.version,
    )


def test_revoked_key_cannot_be_rotated() -> None:
    key = issue()
    key.revoke(actor="master")
    with pytest.raises(KeyRevokedError):
        key.rotate("digest-2", actor="master", now=NOW)
    assert key.digest == "digest-1"


def test_revoked_key_cannot_be_revoked_twice() -> None:
    key = issue()
    key.revoke(actor="master")
    with pytest.raises(KeyRevokedError):
        key.revoke(actor="master")
    assert [type(e) for e in key.collect_events()].count(ApiKey.Revoked) == 1


def test_expired_key_cannot_be_rotated() -> None:
    key = issue(expires_at=NOW)
    with pytest.raises(KeyExpiredError):
        key.rotate("digest-2", actor="master", now=NOW)
    assert key.digest == "digest-1"


def test_key_before_its_expiry_can_be_rotated() -> None:
    key = issue(expires_at=NOW + timedelta(seconds=1))
    key.rotate("digest-2", actor="master", now=NOW)
    assert key.digest == "digest-2"


def test_expired_key_can_still_be_revoked() -> None:
    key = issue(expires_at=NOW - timedelta(days=1))
    key.revoke(actor="master", reason="cleanup")
    assert key.is_revoked


def test_key_without_expiry_never_expires() -> None:
    assert not issue().is_expired(NOW + timedelta(days=365 * 100))


def test_key_format_round_trips_through_parse_and_render() -> None:
    parts = KeyParts(KEY_ID, SECRET)
    rendered = parts.render()
    assert rendered == f"{KEY_PREFIX}{KEY_ID}_{SECRET}"
    assert parse_key(rendered) == parts
    assert parts.public_prefix == f"{KEY_PREFIX}{KEY_ID}"
    assert SECRET not in parts.public_prefix


def test_generated_keys_parse_back_and_carry_at_least_256_bits_of_secret() -> None:
    seen = set()
    for _ in range(20):
        parts = new_key_parts()
        assert parse_key(parts.render()) == parts
        raw = base64.urlsafe_b64decode(parts.secret + "=" * (-len(parts.secret) % 4))
        assert len(raw) * 8 >= 256
        seen.add(parts.secret)
    assert len(seen) == 20


@pytest.mark.parametrize(
    "value",
    [
        "",
        f"{KEY_ID}_{SECRET}",  # no prefix
        f"MCPHUB_{KEY_ID}_{SECRET}",  # prefix in the wrong case
        f"mcphub_ABCDEFGHIJKL_{SECRET}",  # key id outside the alphabet (upper case)
        f"mcphub_abcdefghijk1_{SECRET}",  # '1' is not in the base32 alphabet
        f"mcphub_abcdefghijk_{SECRET}",  # key id too short
        f"mcphub_abcdefghijklm_{SECRET}",  # key id too long
        f"mcphub_{KEY_ID}_{SECRET[:-1]}",  # secret too short
        f"mcphub_{KEY_ID}_{SECRET}s",  # secret too long
        f"mcphub_{KEY_ID}_{SECRET[:-1]}+",  # not base64url
        f"mcphub_{KEY_ID}{SECRET}",  # separator missing
        f" mcphub_{KEY_ID}_{SECRET}",  # leading space
        f"mcphub_{KEY_ID}_{SECRET}\n",  # trailing newline
        f"mcphub_{KEY_ID}_{SECRET}_extra",
    ],
)
def test_malformed_keys_are_not_parsed(value: str) -> None:
    assert parse_key(value) is None


@pytest.mark.parametrize(
    "key_id", ["", "ABCDEFGHIJKL", "abcdefghijk", "abcdefghijk0", f"{KEY_ID}\n"]
)
def test_malformed_key_ids_are_rejected(key_id: str) -> None:
    with pytest.raises(InvalidValueError):
        check_key_id(key_id)


def test_well_formed_key_id_is_accepted() -> None:
    assert check_key_id(KEY_ID) == KEY_ID


def test_labels_are_trimmed_and_must_be_short_and_printable() -> None:
    assert check_label("  deploy bot  ") == "deploy bot"
    with pytest.raises(InvalidValueError):
        check_label("x" * 201)
    with pytest.raises(InvalidValueError):
        check_label("evil\x00label")


def test_a_revocation_reason_with_unstorable_characters_is_tidied_not_refused() -> None:
    key = issue()
    key.revoke(actor="master", reason="leaked\x00 in \ud800 logs")
    reason = key.collect_events()[-1].reason
    reason.encode("utf-8")
    assert reason == "leaked\ufffd in \ufffd logs"
