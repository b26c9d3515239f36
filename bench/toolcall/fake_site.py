"""The fake WordPress (its own process): a raw asyncio HTTP/1.1 server answering ``GET
/wp-json/`` (the REST index, for discovery) and ``GET /wp-json/wp/v2/posts/<id>`` with a small
JSON post. Started as ``tool_call.py --role fake-wp``."""

from __future__ import annotations

import asyncio
import json
import re
import signal
from typing import Any

from toolcall.constants import POST_IDS


def _post_json(post_id: int) -> bytes:
    link = f"http://127.0.0.1/?p={post_id}"
    post = {
        "id": post_id,
        "date": "2026-01-15T10:00:00",
        "date_gmt": "2026-01-15T10:00:00",
        "guid": {"rendered": link},
        "modified": "2026-01-15T10:00:00",
        "modified_gmt": "2026-01-15T10:00:00",
        "slug": f"post-{post_id}",
        "status": "publish",
        "type": "post",
        "link": link,
        "title": {"rendered": f"Benchmark post {post_id}"},
        "content": {
            "rendered": "<p>A short paragraph of post content for the benchmark.</p>\n",
            "protected": False,
        },
        "excerpt": {"rendered": "<p>A short paragraph&hellip;</p>\n", "protected": False},
        "author": 1,
        "featured_media": 0,
        "comment_status": "open",
        "ping_status": "open",
        "sticky": False,
        "template": "",
        "format": "standard",
        "meta": {"footnotes": ""},
        "categories": [1],
        "tags": [],
    }
    return json.dumps(post, separators=(",", ":")).encode()


_INDEX = json.dumps(
    {
        "name": "Benchmark site",
        "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1"],
        "authentication": {
            "application-passwords": {
                "endpoints": {
                    "authorization": "http://127.0.0.1/wp-admin/authorize-application.php"
                }
            }
        },
    }
).encode()
_NOT_FOUND = json.dumps(
    {"code": "rest_no_route", "message": "No route was found.", "data": {"status": 404}}
).encode()
_POST_ROUTE = re.compile(rb"^/wp-json/wp/v2/posts/(\d+)(?:\?.*)?$")


def _http_response(status: bytes, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\n"
        b"Content-Type: application/json; charset=UTF-8\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        b"Connection: keep-alive\r\n\r\n" + body
    )


class FakeWordPress(asyncio.Protocol):
    """Just enough HTTP/1.1 (keep-alive, Content-Length bodies) for the gateway and httpx."""

    cache: dict[bytes, bytes] = {}

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            target = head.split(b" ", 2)[1]
            self.transport.write(self.answer(target))

    def answer(self, target: bytes) -> bytes:
        cached = self.cache.get(target)
        if cached is not None:
            return cached
        match = _POST_ROUTE.match(target)
        if match is not None and 0 < int(match[1]) <= POST_IDS:
            response = _http_response(b"200 OK", _post_json(int(match[1])))
        elif target.split(b"?", 1)[0] in (b"/wp-json", b"/wp-json/"):
            response = _http_response(b"200 OK", _INDEX)
        else:
            response = _http_response(b"404 Not Found", _NOT_FOUND)
        if len(self.cache) < 1000:
            self.cache[target] = response
        return response


def serve_fake_wordpress() -> None:
    from interfaces.cli.serve import bind_socket  # noqa: PLC0415 - TCP_NODELAY like the hub

    sock = bind_socket("127.0.0.1", 0)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(FakeWordPress, sock=sock, backlog=512)
        print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
        stop = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        loop.add_signal_handler(signal.SIGINT, stop.set)
        async with server:
            await stop.wait()

    asyncio.run(main())
