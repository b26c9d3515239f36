"""Retries only for idempotent requests: after connect errors, timeouts and 502/503/504, at most
twice, honouring a short ``Retry-After``; a POST is sent exactly once."""

from __future__ import annotations

import httpx
import pytest

from application.sites import SiteError, SiteErrorKind, SiteRequest

from .conftest import PauseRecorder, ScriptedSite, gateway_for, json_response, site, wp_error

pytestmark = pytest.mark.anyio


def _flaky(failures: list[httpx.Response | Exception], success: httpx.Response) -> ScriptedSite:
    """Answers each API request with the next failure, then with ``success``."""
    scripted = ScriptedSite()
    queue = list(failures)

    def responder(request: httpx.Request) -> httpx.Response:
        if queue:
            failure = queue.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return failure
        return success

    for method in ("GET", "POST", "PUT", "DELETE"):
        scripted.routes[(method, "/wp/v2/posts/1")] = responder
    return scripted


def _unavailable(**headers: str) -> httpx.Response:
    return json_response(503, {"code": "unavailable", "message": "Busy"}, headers)


async def _call(scripted: ScriptedSite, method: str, pauses: PauseRecorder | None = None):
    gateway = gateway_for(scripted, sleep=pauses or PauseRecorder())
    try:
        return await gateway.call(site(), SiteRequest(method, "/wp/v2/posts/1", json=None))
    finally:
        await gateway.aclose()


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_idempotent_requests_are_retried_after_503(method: str) -> None:
    scripted = _flaky([_unavailable(), _unavailable()], json_response(200, {"id": 1}))
    response = await _call(scripted, method)
    assert response.data == {"id": 1}
    assert len(scripted.api_requests()) == 3


async def test_retries_stop_after_two() -> None:
    scripted = _flaky([_unavailable()] * 5, json_response(200, {"id": 1}))
    with pytest.raises(SiteError) as caught:
        await _call(scripted, "GET")
    assert caught.value.kind is SiteErrorKind.UPSTREAM
    assert len(scripted.api_requests()) == 3


async def test_a_post_is_never_retried() -> None:
    scripted = _flaky([_unavailable()], json_response(201, {"id": 1}))
    with pytest.raises(SiteError) as caught:
        await _call(scripted, "POST")
    assert caught.value.status == 503
    assert len(scripted.api_requests()) == 1


async def test_a_post_is_not_retried_after_a_timeout_either() -> None:
    scripted = _flaky([httpx.ReadTimeout("slow")], json_response(201, {"id": 1}))
    with pytest.raises(SiteError) as caught:
        await _call(scripted, "POST")
    assert caught.value.kind is SiteErrorKind.TIMEOUT
    assert len(scripted.api_requests()) == 1


@pytest.mark.parametrize(
    "failure", [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.ConnectTimeout("x")]
)
async def test_a_get_is_retried_after_connection_failures_and_timeouts(failure: Exception) -> None:
    scripted = _flaky([failure], json_response(200, {"id": 1}))
    response = await _call(scripted, "GET")
    assert response.data == {"id": 1}
    assert len(scripted.api_requests()) == 2


async def test_client_errors_are_not_retried() -> None:
    scripted = _flaky(
        [wp_error(404, "rest_post_invalid_id", "Invalid post ID.")], json_response(200, {})
    )
    with pytest.raises(SiteError):
        await _call(scripted, "GET")
    assert len(scripted.api_requests()) == 1


async def test_a_short_retry_after_is_honoured() -> None:
    pauses = PauseRecorder()
    scripted = _flaky([_unavailable(**{"Retry-After": "2"})], json_response(200, {"id": 1}))
    await _call(scripted, "GET", pauses)
    assert pauses.pauses == [2.0]


async def test_a_long_retry_after_is_not_waited_for() -> None:
    pauses = PauseRecorder()
    scripted = _flaky([_unavailable(**{"Retry-After": "120"})], json_response(200, {"id": 1}))
    with pytest.raises(SiteError) as caught:
        await _call(scripted, "GET", pauses)
    assert caught.value.status == 503
    assert pauses.pauses == []
    assert len(scripted.api_requests()) == 1


async def test_without_retry_after_the_backoff_is_short() -> None:
    pauses = PauseRecorder()
    scripted = _flaky([_unavailable(), httpx.ConnectError("x")], json_response(200, {"id": 1}))
    await _call(scripted, "GET", pauses)
    assert len(pauses.pauses) == 2
    assert all(0 < pause <= 1.0 for pause in pauses.pauses)
