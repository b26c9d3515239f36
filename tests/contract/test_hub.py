"""The application contract: the use cases of the Hub, run against every persistence backend.

``HubContract`` holds the tests; each ``Test*Hub`` class below runs them on one backend by
overriding the ``backend`` fixture (the eventsourcing library's own pattern).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from application.dto import SiteCredentials
from application.errors import NotFoundError
from application.hub import Hub
from application.project_commands import seal_context
from domain.api_key import ApiKey, parse_key
from domain.errors import (
    AliasTakenError,
    InvalidValueError,
    KeyExpiredError,
    KeyRevokedError,
    NotPermittedError,
    ProjectRetiredError,
)
from domain.principal import MASTER, OPERATOR, Principal, PrincipalKind
from domain.project import Project, ProjectAlias
from domain.scopes import Scope
from infrastructure.crypto import CryptoError
from tests.contract.backends import MASTER_KEY, Backend

WP_PASSWORD = "abcd EFGH 1234 ijkl MNOP 5678"
WC_KEY = "ck_0123456789abcdef0123456789abcdef"
WC_SECRET = "cs_fedcba9876543210fedcba9876543210"


def credentials(password: str = WP_PASSWORD, woocommerce: bool = True) -> SiteCredentials:
    return SiteCredentials(
        wp_user="admin",
        wp_password=password,
        wc_key=WC_KEY if woocommerce else None,
        wc_secret=WC_SECRET if woocommerce else None,
    )


def principal_of(hub: Hub, key: str) -> Principal:
    principal = hub.authenticator.authenticate(key)
    assert principal is not None, "a freshly issued key must authenticate"
    return principal


def project_aggregate(hub: Hub, alias: str) -> Project:
    """The live project holding ``alias``, found through the alias index as the hub does."""
    index: ProjectAlias = hub.repository.get(ProjectAlias.create_id(alias))
    assert index.project_id is not None
    project: Project = hub.repository.get(index.project_id)
    return project


def stored_events(hub: Hub) -> list[object]:
    notifications = hub.recorder.select_notifications(start=1, limit=10_000)
    return [hub.mapper.to_domain_event(n) for n in notifications]


def raw_log(hub: Hub) -> bytes:
    return b"".join(n.state for n in hub.recorder.select_notifications(start=1, limit=10_000))


class HubContract:
    @pytest.fixture
    def backend(self) -> Backend:
        raise NotImplementedError("each backend class provides its backend")

    @pytest.fixture
    def hub(self, backend: Backend) -> Hub:
        hub = backend.hub()
        hub.register_project(MASTER, "shop", "https://shop.example.com/", credentials())
        hub.register_project(MASTER, "blog", "https://blog.example.com", credentials("pw-blog"))
        return hub

    # -- issuing and authenticating ----------------------------------------------------------

    def test_issued_key_authenticates_with_its_project_and_scope(self, hub: Hub) -> None:
        issued = hub.issue_key(MASTER, "shop", "write", label="deploy bot")
        principal = hub.authenticator.authenticate(issued.key)
        assert principal == Principal(
            PrincipalKind.API_KEY, issued.info.key_id, Scope.WRITE, "shop"
        )
        assert issued.info.prefix == f"mcphub_{issued.info.key_id}"
        assert issued.key.startswith(issued.info.prefix + "_")
        assert (issued.info.status, issued.info.label, issued.info.issued_by) == (
            "active",
            "deploy bot",
            "master",
        )

    def test_master_key_authenticates_as_master(self, hub: Hub) -> None:
        assert hub.authenticator.authenticate(MASTER_KEY) == MASTER
        assert hub.authenticator.authenticate(MASTER_KEY + "x") is None
        assert hub.authenticator.authenticate(MASTER_KEY[:-1]) is None

    def test_listed_keys_never_carry_the_secret(self, hub: Hub) -> None:
        issued = hub.issue_key(MASTER, "shop", "read")
        secret = parse_key(issued.key).secret  # type: ignore[union-attr]
        listed = hub.list_keys(MASTER)
        assert [k.key_id for k in listed] == [issued.info.key_id]
        assert secret not in listed[0].model_dump_json()
        assert secret not in hub.get_key(MASTER, issued.info.key_id).model_dump_json()

    def test_no_secret_ever_enters_the_event_log(self, hub: Hub) -> None:
        issued = hub.issue_key(MASTER, "shop", "admin")
        rotated = hub.rotate_key(MASTER, issued.info.key_id)
        hub.change_project_credentials(MASTER, "blog", credentials("new blog password"))
        log = raw_log(hub)
        assert log  # the log is readable, so the absence below means something
        for secret in (
            issued.key,
            parse_key(issued.key).secret,  # type: ignore[union-attr]
            parse_key(rotated.key).secret,  # type: ignore[union-attr]
            MASTER_KEY,
            WP_PASSWORD,
            "new blog password",
            WC_KEY,
            WC_SECRET,
        ):
            assert secret.encode() not in log

    def test_unknown_malformed_revoked_and_expired_keys_all_get_none(
        self, hub: Hub, backend: Backend
    ) -> None:
        revoked = hub.issue_key(MASTER, "shop", "read")
        hub.revoke_key(MASTER, revoked.info.key_id)
        expiring = hub.issue_key(
            MASTER, "shop", "read", expires_at=backend.clock.now() + timedelta(hours=1)
        )
        live = hub.issue_key(MASTER, "shop", "read")
        assert hub.authenticator.authenticate(expiring.key) is not None
        backend.clock.advance(hours=2)
        parts = parse_key(live.key)
        assert parts is not None
        unknown_id = "a" * 12 if parts.key_id != "a" * 12 else "b" * 12
        presented = {
            "unknown": f"mcphub_{unknown_id}_{parts.secret}",
            "wrong secret": f"mcphub_{parts.key_id}_{'A' * 43}",
            "malformed": live.key[:-1],
            "empty": "",
            "huge": live.key + "x" * 600,
            "revoked": revoked.key,
            "expired": expiring.key,
        }
        answers = {name: hub.authenticator.authenticate(value) for name, value in presented.items()}
        assert answers == dict.fromkeys(presented)
        assert hub.authenticator.authenticate(live.key) is not None

    def test_rotated_key_old_secret_fails_and_new_secret_works(self, hub: Hub) -> None:
        issued = hub.issue_key(MASTER, "shop", "write")
        rotated = hub.rotate_key(MASTER, issued.info.key_id)
        assert rotated.key != issued.key
        assert rotated.info.key_id == issued.info.key_id
        assert rotated.info.rotated_at is not None
        assert hub.authenticator.authenticate(issued.key) is None
        assert principal_of(hub, rotated.key).scope is Scope.WRITE

    def test_revoked_key_stops_authenticating_and_is_listed_as_revoked(self, hub: Hub) -> None:
        issued = hub.issue_key(MASTER, "shop", "write")
        info = hub.revoke_key(MASTER, issued.info.key_id, reason="leaked")
        assert (info.status, info.revoked_at is not None) == ("revoked", True)
        assert hub.authenticator.authenticate(issued.key) is None
        assert [k.status for k in hub.list_keys(MASTER)] == ["revoked"]

    def test_revoked_key_cannot_be_revoked_again_or_rotated(self, hub: Hub) -> None:
        issued = hub.issue_key(MASTER, "shop", "write")
        hub.revoke_key(MASTER, issued.info.key_id)
        with pytest.raises(KeyRevokedError):
            hub.revoke_key(MASTER, issued.info.key_id)
        with pytest.raises(KeyRevokedError):
            hub.rotate_key(MASTER, issued.info.key_id)
        topics = [type(e) for e in stored_events(hub)]
        assert topics.count(ApiKey.Revoked) == 1
        assert ApiKey.Rotated not in topics

    def test_expired_key_is_listed_as_expired_and_cannot_be_rotated(
        self, hub: Hub, backend: Backend
    ) -> None:
        issued = hub.issue_key(
            MASTER, "shop", "read", expires_at=backend.clock.now() + timedelta(minutes=5)
        )
        backend.clock.advance(minutes=5)
        assert hub.get_key(MASTER, issued.info.key_id).status == "expired"
        with pytest.raises(KeyExpiredError):
            hub.rotate_key(MASTER, issued.info.key_id)
        assert hub.revoke_key(MASTER, issued.info.key_id).status == "revoked"

    @pytest.mark.parametrize("offset", [timedelta(0), timedelta(seconds=-1)])
    def test_expiry_must_lie_in_the_future(
        self, hub: Hub, backend: Backend, offset: timedelta
    ) -> None:
        with pytest.raises(InvalidValueError):
            hub.issue_key(MASTER, "shop", "read", expires_at=backend.clock.now() + offset)
        assert hub.list_keys(MASTER) == []

    def test_expiry_without_a_timezone_is_refused(self, hub: Hub) -> None:
        with pytest.raises(InvalidValueError):
            hub.issue_key(MASTER, "shop", "read", expires_at=datetime(2999, 1, 1))

    def test_unknown_scope_is_refused(self, hub: Hub) -> None:
        with pytest.raises(InvalidValueError):
            hub.issue_key(MASTER, "shop", "superuser")

    def test_key_for_an_unknown_project_is_refused(self, hub: Hub) -> None:
        with pytest.raises(NotFoundError):
            hub.issue_key(MASTER, "nowhere", "read")
        assert hub.list_keys(MASTER) == []

    @pytest.mark.parametrize("key_id", ["abcdefghijkl", "not a key id", ""])
    def test_unknown_or_malformed_key_ids_are_not_found(self, hub: Hub, key_id: str) -> None:
        for command in (hub.get_key, hub.rotate_key, hub.revoke_key):
            with pytest.raises(NotFoundError):
                command(MASTER, key_id)

    # -- who may do what, through the use cases ----------------------------------------------

    def test_project_admin_key_cannot_mint_an_all_projects_key(self, hub: Hub) -> None:
        admin = principal_of(hub, hub.issue_key(MASTER, "shop", "admin").key)
        with pytest.raises(NotPermittedError):
            hub.issue_key(admin, None, "read")

    def test_only_root_principals_mint_all_projects_keys(self, hub: Hub) -> None:
        all_projects = hub.issue_key(MASTER, None, "admin")
        assert all_projects.info.project is None
        assert hub.issue_key(OPERATOR, None, "read").info.issued_by == "cli"
        everywhere = principal_of(hub, all_projects.key)
        with pytest.raises(NotPermittedError):
            hub.issue_key(everywhere, None, "read")
        assert hub.issue_key(everywhere, "blog", "write").info.project == "blog"

    def test_project_admin_key_manages_its_own_projects_keys(self, hub: Hub) -> None:
        admin = principal_of(hub, hub.issue_key(MASTER, "shop", "admin").key)
        issued = hub.issue_key(admin, "shop", "write")
        assert issued.info.issued_by == f"key:{admin.id}"
        rotated = hub.rotate_key(admin, issued.info.key_id)
        assert hub.revoke_key(admin, issued.info.key_id).status == "revoked"
        assert hub.authenticator.authenticate(rotated.key) is None

    def test_project_admin_key_cannot_issue_for_another_project(self, hub: Hub) -> None:
        admin = principal_of(hub, hub.issue_key(MASTER, "shop", "admin").key)
        with pytest.raises(NotPermittedError):
            hub.issue_key(admin, "blog", "read")

    def test_project_admin_key_cannot_see_or_touch_another_projects_keys(self, hub: Hub) -> None:
        admin = principal_of(hub, hub.issue_key(MASTER, "shop", "admin").key)
        foreign = hub.issue_key(MASTER, "blog", "read")
        everywhere = hub.issue_key(MASTER, None, "read")
        for key_id in (foreign.info.key_id, everywhere.info.key_id):
            for command in (hub.get_key, hub.rotate_key, hub.revoke_key):
                with pytest.raises(NotFoundError):
                    command(admin, key_id)
        assert {k.project for k in hub.list_keys(admin)} == {"shop"}
        assert hub.authenticator.authenticate(foreign.key) is not None

    def test_keys_below_admin_cannot_list_issue_or_revoke(self, hub: Hub) -> None:
        writer_key = hub.issue_key(MASTER, "shop", "write")
        writer = principal_of(hub, writer_key.key)
        with pytest.raises(NotPermittedError):
            hub.list_keys(writer)
        with pytest.raises(NotPermittedError):
            hub.issue_key(writer, "shop", "read")
        with pytest.raises(NotFoundError):
            hub.revoke_key(writer, writer_key.info.key_id)

    def test_project_admin_key_changes_only_its_own_project(self, hub: Hub) -> None:
        admin = principal_of(hub, hub.issue_key(MASTER, "shop", "admin").key)
        hub.change_project_credentials(admin, "shop", credentials("rotated by admin"))
        assert hub.project_credentials("shop").wp_password == "rotated by admin"
        with pytest.raises(NotPermittedError):
            hub.change_project_credentials(admin, "blog", credentials("hijack"))
        with pytest.raises(NotPermittedError):
            hub.register_project(admin, "new-site", "https://new.example", credentials())
        with pytest.raises(NotPermittedError):
            hub.retire_project(admin, "shop")
        assert [p.alias for p in hub.list_projects(admin)] == ["shop"]
        with pytest.raises(NotFoundError):
            hub.get_project(admin, "blog")

    # -- projects ----------------------------------------------------------------------------

    def test_registered_projects_are_listed_with_normalised_urls(self, hub: Hub) -> None:
        listed = {p.alias: p for p in hub.list_projects(MASTER)}
        assert set(listed) == {"shop", "blog"}
        shop = listed["shop"]
        assert (shop.base_url, shop.wp_user, shop.has_woocommerce, shop.status) == (
            "https://shop.example.com",
            "admin",
            True,
            "active",
        )
        assert shop.registered_by == "master"
        assert hub.get_project(MASTER, "shop") == shop

    @pytest.mark.parametrize(
        ("alias", "url"),
        [
            ("Shop", "https://x.example"),
            ("system", "https://x.example"),
            ("shop\n", "https://x.example"),
            ("ok", "ftp://x.example"),
            ("ok", "https://user:pw@x.example"),
            ("ok", "https://x.example/?q=1"),
            ("ok", "https://x.example:0"),
            ("ok", "https://x.example/a\x00b"),
        ],
    )
    def test_invalid_registrations_are_refused_and_record_nothing(
        self, hub: Hub, alias: str, url: str
    ) -> None:
        before = hub.recorder.max_notification_id()
        with pytest.raises(InvalidValueError):
            hub.register_project(MASTER, alias, url, credentials())
        assert hub.recorder.max_notification_id() == before
        assert {p.alias for p in hub.list_projects(MASTER)} == {"shop", "blog"}

    def test_taken_alias_is_refused(self, hub: Hub) -> None:
        with pytest.raises(AliasTakenError):
            hub.register_project(MASTER, "shop", "https://other.example", credentials("other"))
        assert hub.project_credentials("shop").wp_password == WP_PASSWORD

    def test_credentials_round_trip_through_project_credentials(self, hub: Hub) -> None:
        opened = hub.project_credentials("shop")
        assert (opened.wp_user, opened.wp_password, opened.wc_key, opened.wc_secret) == (
            "admin",
            WP_PASSWORD,
            WC_KEY,
            WC_SECRET,
        )
        assert hub.project_credentials("blog").wp_password == "pw-blog"

    def test_changed_credentials_replace_the_old_ones(self, hub: Hub) -> None:
        info = hub.change_project_credentials(
            MASTER, "shop", credentials("second password", woocommerce=False)
        )
        assert (info.has_woocommerce, info.credentials_changed_at is not None) == (False, True)
        opened = hub.project_credentials("shop")
        assert (opened.wp_password, opened.wc_key, opened.wc_secret) == (
            "second password",
            None,
            None,
        )

    def test_credentials_never_appear_in_project_dtos(self, hub: Hub) -> None:
        shop = project_aggregate(hub, "shop")
        sealed = [shop.wp_password, shop.wc_key, shop.wc_secret]
        dumped = "".join(p.model_dump_json() for p in hub.list_projects(MASTER))
        dumped += hub.get_project(MASTER, "shop").model_dump_json()
        dumped += repr(hub.project_credentials("shop"))
        for value in (WP_PASSWORD, WC_KEY, WC_SECRET, *sealed):
            assert value not in dumped

    def test_sealed_credential_moved_to_another_project_does_not_open(self, hub: Hub) -> None:
        shop = project_aggregate(hub, "shop")
        blog = project_aggregate(hub, "blog")
        assert hub.box.open(shop.wp_password, seal_context(shop.id, "wp_password")) == WP_PASSWORD
        with pytest.raises(CryptoError):
            hub.box.open(shop.wp_password, seal_context(blog.id, "wp_password"))
        with pytest.raises(CryptoError):
            hub.box.open(shop.wc_secret or "", seal_context(shop.id, "wc_key"))
        # The whole way through: blog's connection recorded with shop's ciphertext.
        blog.change_credentials("admin", shop.wp_password, None, None, actor="attacker")
        hub.save(blog)
        with pytest.raises(CryptoError):
            hub.project_credentials("blog")

    def test_retired_project_leaves_the_list_and_cannot_be_used(self, hub: Hub) -> None:
        info = hub.retire_project(MASTER, "blog")
        assert info.status == "retired"
        assert [p.alias for p in hub.list_projects(MASTER)] == ["shop"]
        with pytest.raises(NotFoundError):
            hub.get_project(MASTER, "blog")
        with pytest.raises(NotFoundError):
            hub.change_project_credentials(MASTER, "blog", credentials())
        with pytest.raises(NotFoundError):
            hub.project_credentials("blog")
        with pytest.raises(NotFoundError):
            hub.issue_key(MASTER, "blog", "read")
        with pytest.raises(NotFoundError):
            hub.retire_project(MASTER, "blog")

    def test_retired_project_aggregate_refuses_credential_changes(self, hub: Hub) -> None:
        project_id = project_aggregate(hub, "blog").id
        hub.retire_project(MASTER, "blog")
        retired: Project = hub.repository.get(project_id)
        with pytest.raises(ProjectRetiredError):
            retired.change_credentials("admin", retired.wp_password, None, None, actor="master")

    def test_alias_is_reused_after_retirement_by_a_new_project(self, hub: Hub) -> None:
        old_id = project_aggregate(hub, "blog").id
        hub.retire_project(MASTER, "blog")
        info = hub.register_project(
            MASTER, "blog", "https://new-blog.example", credentials("fresh", woocommerce=False)
        )
        assert (info.base_url, info.status, info.has_woocommerce) == (
            "https://new-blog.example",
            "active",
            False,
        )
        assert project_aggregate(hub, "blog").id != old_id
        assert hub.project_credentials("blog").wp_password == "fresh"
        assert sorted(p.alias for p in hub.list_projects(MASTER)) == ["blog", "shop"]

    def test_retiring_a_project_revokes_its_keys_and_only_its_keys(self, hub: Hub) -> None:
        blog_keys = [hub.issue_key(MASTER, "blog", s) for s in ("read", "admin")]
        shop_key = hub.issue_key(MASTER, "shop", "read")
        everywhere = hub.issue_key(MASTER, None, "read")
        hub.revoke_key(MASTER, blog_keys[0].info.key_id)  # already revoked: not revoked twice
        hub.retire_project(MASTER, "blog")
        for issued in blog_keys:
            assert hub.authenticator.authenticate(issued.key) is None
            assert hub.get_key(MASTER, issued.info.key_id).status == "revoked"
        assert hub.authenticator.authenticate(shop_key.key) is not None
        assert hub.authenticator.authenticate(everywhere.key) is not None
        assert [type(e) for e in stored_events(hub)].count(ApiKey.Revoked) == 2
        # A new project under the old alias does not bring the old keys back.
        hub.register_project(MASTER, "blog", "https://blog.example", credentials())
        assert all(hub.authenticator.authenticate(k.key) is None for k in blog_keys)


class TestInMemoryHub(HubContract):
    @pytest.fixture
    def backend(self, memory_backend: Backend) -> Backend:
        return memory_backend


class TestSQLiteHub(HubContract):
    @pytest.fixture
    def backend(self, sqlite_backend: Backend) -> Backend:
        return sqlite_backend

    def test_composition_root_builds_a_working_hub_on_sqlite(self, tmp_path: Path) -> None:
        from infrastructure.settings import load_settings
        from interfaces.bootstrap import build

        settings = load_settings(
            data_dir=tmp_path / "built", database_url=None, master_api_key=MASTER_KEY
        )
        container = build(settings)
        try:
            hub = container.hub
            assert hub.authenticator.authenticate(MASTER_KEY) == MASTER
            hub.register_project(MASTER, "shop", "https://shop.example", credentials())
            issued = hub.issue_key(MASTER, "shop", "read")
            assert principal_of(hub, issued.key).project == "shop"
            assert hub.project_credentials("shop").wp_password == WP_PASSWORD
        finally:
            container.close()
        assert (tmp_path / "built" / "events.sqlite3").exists()


@pytest.mark.postgres
class TestPostgresHub(HubContract):
    @pytest.fixture
    def backend(self, postgres_backend: Backend) -> Backend:
        return postgres_backend
