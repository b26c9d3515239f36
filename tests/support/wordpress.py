"""A real WordPress for tests: Debian's ``wordpress`` package, PHP's built-in server, MariaDB.

``scripts/wordpress-dev.sh`` does the work (read its header for the layout); this module starts
one instance per test session and hands tests a :class:`WordPressSite`::

    def test_something(wordpress):
        response = wordpress.rest("GET", "/wp/v2/users/me")
        assert response.json()["slug"] == wordpress.user

Register the fixture for every test in ``tests/conftest.py``::

    pytest_plugins = ("tests.support.wordpress",)

The site: user ``admin`` with an application password (``app_password``, in WordPress's display
form with spaces), plain permalinks (REST API at ``/?rest_route=/...`` only), environment type
``local`` (so application passwords work over plain HTTP), no posts, pages or comments at the
start. The instance is shared by the whole session: a test that needs exact counts calls
:meth:`WordPressSite.reset_content` first. A test that needs a site of its own (for example one
behind a server that strips the ``Authorization`` header) calls :func:`wordpress_site` and
stops it itself.

Without PHP, WordPress or a reachable MariaDB the tests skip with the reason; with ``CI=true``
they fail instead (``require_service``).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "wordpress-dev.sh"
PHP_HELPERS = Path(__file__).resolve().parent / "wordpress"
LINE_PREFIX = "MCPHUB_WORDPRESS "


@dataclass
class WordPressSite:
    """One running instance. ``rest`` authenticates as ``user`` with ``app_password``."""

    base_url: str
    user: str
    app_password: str
    password: str
    user_id: int
    database: str
    instance_dir: Path
    www_dir: Path
    pid: int
    client: httpx.Client = field(repr=False)
    stopped: bool = field(default=False, repr=False)

    @property
    def rest_url(self) -> str:
        return f"{self.base_url}/?rest_route=/"

    def rest(
        self,
        method: str,
        route: str,
        *,
        params: dict[str, Any] | None = None,
        authenticated: bool = True,
        **kwargs: Any,
    ) -> httpx.Response:
        """Call the REST API at ``/?rest_route=<route>``; other keywords go to httpx (``json=``)."""
        query = {"rest_route": route, **(params or {})}
        auth = (self.user, self.app_password) if authenticated else None
        return self.client.request(method, "/", params=query, auth=auth, **kwargs)

    def seed_posts(
        self, count: int, *, status: str = "publish", title: str = "Seeded post"
    ) -> list[int]:
        """Insert ``count`` posts in one PHP process (250 take 1.5-2.5 s); return their ids.

        Post ``i`` is titled ``"<title> <i>"``; dates are one minute apart, the last post newest,
        so the default order is stable across pages.
        """
        out = self._php("seed-posts.php", str(count), status, title)
        return [int(post_id) for post_id in json.loads(out)]

    def reset_content(self) -> None:
        """Delete every post, page, attachment and comment (users and settings stay)."""
        self._php("reset-content.php")

    def eval_php(self, code: str) -> str:
        """Run PHP ``code`` (no ``<?php``) inside this WordPress; return what it printed."""
        return self._php("eval.php", stdin=code)

    def stop(self) -> None:
        """Stop the PHP server, drop the database and its user, delete the instance directory."""
        if self.stopped:
            return
        self.stopped = True
        self.client.close()
        _script("stop", str(self.instance_dir))

    def _php(self, helper: str, *args: str, stdin: str = "") -> str:
        command = ["php", "-d", "display_errors=stderr", "-d", "log_errors=0"]
        result = subprocess.run(
            [*command, str(PHP_HELPERS / helper), str(self.www_dir), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{helper} failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout


def _script(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(SCRIPT), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        detail = result.stderr.strip() or result.stdout.strip()
        raise RuntimeError(f"wordpress-dev.sh {args[0]} failed ({result.returncode}): {detail}")
    return result


@cache
def wordpress_status() -> tuple[bool, str]:
    """Whether an instance can start here, and why not (asked once per session)."""
    try:
        result = subprocess.run(
            [str(SCRIPT), "check"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return False, f"{type(error).__name__}: {error}"
    if result.returncode == 0:
        return True, ""
    lines = (result.stdout.strip() or result.stderr.strip() or "check failed").splitlines()
    return False, lines[0]


def wordpress_site(*, strip_authorization: bool = False) -> WordPressSite:
    """Start a private instance (skips, or fails under CI=true, when it cannot run here).

    ``strip_authorization`` serves it the way Apache with CGI/FastCGI does without
    ``CGIPassAuth``: the ``Authorization`` header never reaches WordPress, so requests with an
    application password are answered as anonymous (401 ``rest_not_logged_in``).
    The caller must call ``stop()``; if the test process dies first, the instance cleans itself
    up (``--watch-pid``).
    """
    from tests.conftest import require_service

    reachable, reason = wordpress_status()
    require_service("WordPress", reachable, reason)
    args = ["start", "--no-install", "--watch-pid", str(os.getpid())]
    if strip_authorization:
        args.append("--strip-authorization")
    result = _script(*args)
    lines = [line for line in result.stdout.splitlines() if line.startswith(LINE_PREFIX)]
    if not lines:
        raise RuntimeError(f"wordpress-dev.sh start printed no {LINE_PREFIX.strip()} line")
    info = json.loads(lines[-1].removeprefix(LINE_PREFIX))
    return WordPressSite(
        base_url=info["base_url"],
        user=info["user"],
        app_password=info["app_password"],
        password=info["password"],
        user_id=int(info["user_id"]),
        database=info["database"],
        instance_dir=Path(info["instance_dir"]),
        www_dir=Path(info["www_dir"]),
        pid=int(info["pid"]),
        client=httpx.Client(base_url=info["base_url"], timeout=30),
    )


# One instance per session even if the fixture is registered twice (conftest and a test module).
_shared: WordPressSite | None = None
_users = 0


@pytest.fixture(scope="session")
def wordpress() -> Iterator[WordPressSite]:
    """The session's WordPress site (see the module docstring)."""
    global _shared, _users  # noqa: PLW0603
    if _shared is None:
        _shared = wordpress_site()
    _users += 1
    try:
        yield _shared
    finally:
        _users -= 1
        if _users == 0:
            site, _shared = _shared, None
            site.stop()
