"""The Project aggregate, its validation, and the ProjectAlias index."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import AliasTakenError, InvalidValueError, ProjectRetiredError
from domain.project import (
    SEALED_PREFIX,
    Project,
    ProjectAlias,
    check_alias,
    check_base_url,
)

PASSWORD = f"{SEALED_PREFIX}k1:password"
WC_KEY = f"{SEALED_PREFIX}k1:consumer-key"
WC_SECRET = f"{SEALED_PREFIX}k1:consumer-secret"


def register(
    alias: str = "shop",
    base_url: str = "https://shop.example.com",
    wp_user: str = "admin",
    wp_password: str = PASSWORD,
    wc_key: str | None = None,
    wc_secret: str | None = None,
) -> Project:
    return Project.register(
        project_id=uuid.uuid4(),
        alias=alias,
        base_url=base_url,
        wp_user=wp_user,
        wp_password=wp_password,
        wc_key=wc_key,
        wc_secret=wc_secret,
        actor="master",
    )


def test_registration_records_the_site_and_its_sealed_connection() -> None:
    project = register(wp_user="  editor ", wc_key=WC_KEY, wc_secret=WC_SECRET)
    events = project.collect_events()
    assert [type(e) for e in events] == [Project.Registered]
    assert (project.alias, project.base_url, project.wp_user) == (
        "shop",
        "https://shop.example.com",
        "editor",
    )
    assert project.wp_password == PASSWORD
    assert project.has_woocommerce
    assert not project.is_retired


def test_registration_keeps_the_given_project_id() -> None:
    project_id = uuid.uuid4()
    project = Project.register(
        project_id=project_id,
        alias="shop",
        base_url="https://s.example",
        wp_user="u",
        wp_password=PASSWORD,
        wc_key=None,
        wc_secret=None,
        actor="master",
    )
    assert project.id == project_id


@pytest.mark.parametrize("alias", ["a", "shop", "my-shop-2", "0day", "a" * 40])
def test_valid_aliases_are_accepted(alias: str) -> None:
    assert check_alias(alias) == alias


@pytest.mark.parametrize(
    "alias",
    [
        "",
        "Shop",  # upper case
        "-shop",  # leading hyphen
        "shop-",  # trailing hyphen
        "my_shop",  # underscore
        "my shop",
        "shop.example",
        "a" * 41,  # too long
        "shop\n",  # trailing newline must not slip past the pattern
        "../etc",
        "café",
    ],
)
def test_malformed_aliases_are_rejected(alias: str) -> None:
    with pytest.raises(InvalidValueError):
        check_alias(alias)


@pytest.mark.parametrize(
    "alias", ["mcp", "system", "api", "health", "docs", "wordpress", "woocommerce"]
)
def test_reserved_aliases_are_rejected(alias: str) -> None:
    with pytest.raises(InvalidValueError):
        register(alias=alias)


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("https://shop.example.com", "https://shop.example.com"),
        ("https://shop.example.com/", "https://shop.example.com"),
        ("HTTPS://Shop.Example.COM/wp/", "https://shop.example.com/wp"),
        ("  http://shop.example.com:8080/blog//  ", "http://shop.example.com:8080/blog"),
        ("http://[::1]:8080/", "http://[::1]:8080"),
        ("http://127.0.0.1:65535", "http://127.0.0.1:65535"),
    ],
)
def test_base_urls_are_normalised(given: str, normalised: str) -> None:
    assert check_base_url(given) == normalised
    assert register(base_url=given).base_url == normalised


@pytest.mark.parametrize(
    "url",
    [
        "",
        "shop.example.com",  # no scheme
        "//shop.example.com",
        "ftp://shop.example.com",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://",  # no host
        "https://user@shop.example.com",
        "https://user:pass@shop.example.com",
        "https://shop.example.com\\@evil.example",
        "https://shop.example.com/?page=1",
        "https://shop.example.com/#top",
        "https://shop.example.com:0",
        "https://shop.example.com:65536",
        "https://shop.example.com:-1",
        "https://shop.example.com:http",
        "https://shop example.com",  # whitespace in the host
        "https://shop.example.com/a\x00b",  # control character
    ],
)
def test_unusable_base_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidValueError):
        check_base_url(url)


@pytest.mark.parametrize(
    ("wp_password", "wc_key", "wc_secret"),
    [
        ("plain password", None, None),
        (PASSWORD, "ck_plain", WC_SECRET),
        (PASSWORD, WC_KEY, "cs_plain"),
    ],
)
def test_unsealed_credentials_are_refused(
    wp_password: str, wc_key: str | None, wc_secret: str | None
) -> None:
    with pytest.raises(InvalidValueError, match="sealed"):
        register(wp_password=wp_password, wc_key=wc_key, wc_secret=wc_secret)


@pytest.mark.parametrize(("wc_key", "wc_secret"), [(WC_KEY, None), (None, WC_SECRET)])
def test_half_a_woocommerce_connection_is_refused(
    wc_key: str | None, wc_secret: str | None
) -> None:
    with pytest.raises(InvalidValueError, match="both"):
        register(wc_key=wc_key, wc_secret=wc_secret)


@pytest.mark.parametrize("wp_user", ["", "   ", "x" * 61, "ad\x00min"])
def test_unusable_wordpress_users_are_refused(wp_user: str) -> None:
    with pytest.raises(InvalidValueError):
        register(wp_user=wp_user)


def test_changing_credentials_replaces_the_connection() -> None:
    project = register(wc_key=WC_KEY, wc_secret=WC_SECRET)
    new_password = f"{SEALED_PREFIX}k1:new"
    project.change_credentials(" editor ", new_password, None, None, actor="master")
    assert (project.wp_user, project.wp_password) == ("editor", new_password)
    assert not project.has_woocommerce
    assert isinstance(project.collect_events()[-1], Project.CredentialsChanged)


def test_changed_credentials_must_be_sealed_too() -> None:
    project = register()
    with pytest.raises(InvalidValueError):
        project.change_credentials("admin", "plain", None, None, actor="master")
    assert project.wp_password == PASSWORD


def test_retiring_a_project_records_it_once() -> None:
    project = register()
    project.retire(actor="master")
    assert project.is_retired
    with pytest.raises(ProjectRetiredError):
        project.retire(actor="master")
    assert [type(e) for e in project.collect_events()] == [Project.Registered, Project.Retired]


def test_retired_project_cannot_change_credentials() -> None:
    project = register()
    project.retire(actor="master")
    with pytest.raises(ProjectRetiredError):
        project.change_credentials("admin", f"{SEALED_PREFIX}k1:new", None, None, actor="master")
    assert project.wp_password == PASSWORD


def test_alias_index_id_derives_from_the_alias() -> None:
    first = ProjectAlias(alias="shop", project_id=uuid.uuid4())
    assert first.id == ProjectAlias.create_id("shop")
    assert ProjectAlias.create_id("shop") != ProjectAlias.create_id("blog")


def test_released_alias_can_be_reclaimed_by_a_new_project() -> None:
    old, new = uuid.uuid4(), uuid.uuid4()
    index = ProjectAlias(alias="shop", project_id=old)
    index.release()
    assert index.project_id is None
    index.reclaim(new)
    assert index.project_id == new
    assert [type(e) for e in index.collect_events()] == [
        ProjectAlias.Claimed,
        ProjectAlias.Released,
        ProjectAlias.Reclaimed,
    ]


def test_reclaiming_an_alias_that_is_taken_is_refused() -> None:
    holder = uuid.uuid4()
    index = ProjectAlias(alias="shop", project_id=holder)
    with pytest.raises(AliasTakenError):
        index.reclaim(uuid.uuid4())
    assert index.project_id == holder


def test_releasing_a_free_alias_records_nothing() -> None:
    index = ProjectAlias(alias="shop", project_id=uuid.uuid4())
    index.release()
    index.release()
    assert [type(e) for e in index.collect_events()] == [
        ProjectAlias.Claimed,
        ProjectAlias.Released,
    ]
