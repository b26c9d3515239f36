"""Reading a request body under a size cap, then handing it on as if unread."""

from __future__ import annotations

from starlette.types import Message, Receive


async def read_body(receive: Receive, limit: int, declared: str | None) -> bytes | None:
    """The whole body, or ``None`` when it is over ``limit`` — by its declared length before
    anything is read, or as it streams (chunked)."""
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
