"""The lean ASGI front: record requests go straight to the record server, the rest to FastAPI.

Cheap requests are bound by the framework (PERFORMANCE.md): a raw ASGI path serves cached bytes
several times faster than a FastAPI route. Rendering on a cache miss runs in a worker thread.
"""

from __future__ import annotations

from typing import Any

from anyio import to_thread

from lod.web.records import Answer, RecordServer

Scope = dict[str, Any]
PREFIXES = ("/id/", "/data/")


class Front:
    """An ASGI app: ``/id/…`` and ``/data/…`` answered directly, everything else by ``fallback``."""

    def __init__(self, records: RecordServer, fallback: Any) -> None:
        self.records = records
        self.fallback = fallback

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PREFIXES):
            await self.fallback(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = scope.get("query_string", b"").decode("latin-1")
        answer = self._fast(scope["method"], scope["path"], query, headers)
        if answer is None:
            answer = await to_thread.run_sync(self.records.answer, scope["method"], scope["path"], query, headers)
        await respond(send, answer)

    def _fast(self, method: str, path: str, query: str, headers: dict[str, str]) -> Answer | None:
        """Answer from memory when the representation is already cached (no thread hop)."""
        return self.records.cached_answer(method, path, query, headers)


async def respond(send: Any, answer: Answer) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()]
    if answer.status != 304 and "content-length" not in answer.headers:
        headers.append((b"content-length", str(len(answer.body)).encode()))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})
