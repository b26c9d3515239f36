"""The test WordPress (tests/support/wordpress.py) behaves like a real site the hub will manage:
REST API only at ``/?rest_route=``, application passwords over Basic auth, WordPress's own error
codes, pagination headers; and a server that strips ``Authorization`` can be reproduced."""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.support.wordpress import WordPressSite

# Registers the session fixture ``wordpress`` (a no-op once tests/conftest.py does the same).
# pytest imports the module itself, to rewrite its asserts: import from it only inside tests.
pytest_plugins = ("tests.support.wordpress",)
pytestmark = pytest.mark.slow


def basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def test_rest_index_is_at_rest_route_and_offers_application_passwords(
    wordpress: WordPressSite,
) -> None:
    response = wordpress.client.get("/", params={"rest_route": "/"})

    assert response.status_code == 200
    index = response.json()
    assert "application-passwords" in index["authentication"]
    assert "wp/v2" in index["namespaces"]
    assert index["url"] == wordpress.base_url


def test_plain_permalinks_the_home_page_links_rest_route_and_wp_json_is_not_the_api(
    wordpress: WordPressSite,
) -> None:
    home = wordpress.client.get("/")
    assert (
        f'<{wordpress.base_url}/index.php?rest_route=/>; rel="https://api.w.org/"'
        in (home.headers["link"])
    )

    # Unknown paths reach index.php (as behind nginx's usual try_files): with plain permalinks
    # WordPress redirects to a trailing slash and then answers its home page, as HTML, with 200.
    pretty = wordpress.client.get("/wp-json/wp/v2/users/me", follow_redirects=True)
    assert pretty.status_code == 200
    assert pretty.headers["content-type"].startswith("text/html")


def test_basic_auth_with_the_application_password_as_displayed_is_the_admin(
    wordpress: WordPressSite,
) -> None:
    assert " " in wordpress.app_password  # kept as WordPress displays it: six groups of four
    response = wordpress.client.get(
        "/",
        params={"rest_route": "/wp/v2/users/me", "context": "edit"},
        headers=basic(wordpress.user, wordpress.app_password),
    )

    assert response.status_code == 200, response.text
    me = response.json()
    assert (me["id"], me["slug"]) == (wordpress.user_id, wordpress.user)
    assert "administrator" in me["roles"]


def test_a_wrong_application_password_is_answered_as_anonymous(wordpress: WordPressSite) -> None:
    # WordPress 6.1 (Debian 12) checks for an application-password error (priority 90 of
    # rest_authentication_errors) before anything has tried the credentials, so a wrong password
    # surfaces as "not logged in" (incorrect_password, should a release report it, passes too).
    response = wordpress.client.get(
        "/",
        params={"rest_route": "/wp/v2/users/me"},
        headers=basic(wordpress.user, "aaaa bbbb cccc dddd eeee ffff"),
    )

    assert response.status_code == 401
    assert response.json()["code"] in {"rest_not_logged_in", "incorrect_password"}


def test_anonymous_post_creation_is_refused(wordpress: WordPressSite) -> None:
    response = wordpress.rest(
        "POST", "/wp/v2/posts", json={"title": "Not allowed"}, authenticated=False
    )

    assert response.status_code == 401
    assert response.json()["code"] in {"rest_forbidden", "rest_cannot_create"}


def test_a_draft_is_created_read_and_deleted(wordpress: WordPressSite) -> None:
    created = wordpress.rest(
        "POST",
        "/wp/v2/posts",
        json={"title": "Draft from a test", "content": "Body.", "status": "draft"},
    )
    assert created.status_code == 201, created.text
    post_id = created.json()["id"]
    assert created.json()["status"] == "draft"

    read = wordpress.rest("GET", f"/wp/v2/posts/{post_id}", params={"context": "edit"})
    assert read.status_code == 200
    assert read.json()["title"]["raw"] == "Draft from a test"
    hidden = wordpress.rest("GET", f"/wp/v2/posts/{post_id}", authenticated=False)
    assert hidden.status_code == 401

    deleted = wordpress.rest("DELETE", f"/wp/v2/posts/{post_id}", params={"force": "true"})
    assert deleted.status_code == 200
    assert deleted.json()["deleted"] is True
    gone = wordpress.rest("GET", f"/wp/v2/posts/{post_id}")
    assert gone.status_code == 404
    assert gone.json()["code"] == "rest_post_invalid_id"


def test_250_seeded_posts_paginate_in_three_pages_of_100(wordpress: WordPressSite) -> None:
    wordpress.reset_content()
    seeded = wordpress.seed_posts(250)
    assert len(set(seeded)) == 250

    seen: list[int] = []
    for page, size in ((1, 100), (2, 100), (3, 50)):
        response = wordpress.rest("GET", "/wp/v2/posts", params={"per_page": 100, "page": page})
        assert response.status_code == 200
        assert response.headers["x-wp-total"] == "250"
        assert response.headers["x-wp-totalpages"] == "3"
        assert len(response.json()) == size
        seen += [post["id"] for post in response.json()]
    assert seen == seeded[::-1]  # newest first, no duplicates or gaps across pages

    beyond = wordpress.rest("GET", "/wp/v2/posts", params={"per_page": 100, "page": 4})
    assert beyond.status_code == 400
    assert beyond.json()["code"] == "rest_post_invalid_page_number"


def database_exists(name: str) -> bool:
    client = ["mariadb", "--protocol=TCP", "-h", os.environ.get("MCPHUB_WP_DB_HOST", "127.0.0.1")]
    client += ["-P", os.environ.get("MCPHUB_WP_DB_PORT", "3306")]
    client += ["-u", os.environ.get("MCPHUB_WP_DB_ADMIN_USER", "root"), "-N", "-B"]
    env = {**os.environ, "MYSQL_PWD": os.environ.get("MCPHUB_WP_DB_ADMIN_PASSWORD", "")}
    out = subprocess.run(
        [*client, "-e", f"SHOW DATABASES LIKE '{name}'"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    return out.strip() == name


def running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited


def test_a_server_that_strips_authorization_answers_as_if_anonymous_and_stop_cleans_up() -> None:
    from tests.support.wordpress import wordpress_site

    site = wordpress_site(strip_authorization=True)
    try:
        index = site.rest("GET", "/", authenticated=False).json()
        assert "application-passwords" in index["authentication"]
        response = site.rest("GET", "/wp/v2/users/me")
        assert response.status_code == 401
        assert response.json()["code"] == "rest_not_logged_in"
        assert database_exists(site.database)
    finally:
        site.stop()

    assert not running(site.pid)
    assert not site.instance_dir.exists()
    assert not database_exists(site.database)
