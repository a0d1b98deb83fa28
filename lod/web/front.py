"""The lean ASGI front: record requests go straight to the record server, the rest to FastAPI.

Cheap requests are bound by the framework (PERFORMANCE.md): a raw ASGI path serves cached bytes
several times faster than a FastAPI route. A plain ``GET`` of a record that was answered before
(same path, ``Accept`` and gzip preference, same build) is replayed from memory: status, headers
and body prepared once. Rendering on a cache miss runs in a worker thread.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from anyio import to_thread

from lod.web.records import RecordServer

Scope = dict[str, Any]
PREFIXES = ("/id/", "/data/")
REMEMBERED = 50_000


@dataclass(frozen=True)
class _Prepared:
    build: str
    start: dict[str, Any]
    body: dict[str, Any]


class Front:
    """An ASGI app: ``/id/…`` and ``/data/…`` answered directly, everything else by ``fallback``."""

    def __init__(self, records: RecordServer, sparql: Any, fallback: Any) -> None:
        self.records = records
        self.sparql = sparql
        self.fallback = fallback
        self._prepared: OrderedDict[tuple[str, bytes, bool], _Prepared] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/sparql":
            await self.sparql(scope, receive, send)
            return
        if scope["type"] != "http" or not scope["path"].startswith(PREFIXES):
            await self.fallback(scope, receive, send)
            return
        key = self._replay_key(scope)
        if key is not None:
            prepared = self._prepared.get(key)
            if prepared is not None and prepared.build == self.records.store.build.id:
                await send(prepared.start)
                await send(prepared.body)
                return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = scope.get("query_string", b"").decode("latin-1")
        method, path = scope["method"], scope["path"]
        answer = self.records.cached_answer(method, path, query, headers)
        if answer is None:
            answer = await to_thread.run_sync(self.records.answer, method, path, query, headers)
        start, body = answer.messages()
        if key is not None and answer.status == 200:
            self._remember(key, _Prepared(self.records.store.build.id, start, body))
        await send(start)
        await send(body)

    @staticmethod
    def _replay_key(scope: Scope) -> tuple[str, bytes, bool] | None:
        """A key for plain, unconditional GETs of a record (None for anything else)."""
        if scope["method"] != "GET" or scope.get("query_string") or not scope["path"].startswith("/data/"):
            return None
        accept = b""
        gzip = False
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value
            elif name == b"accept-encoding":
                gzip = b"gzip" in value
            elif name in (b"if-none-match", b"if-modified-since"):
                return None
        return scope["path"], accept, gzip

    def _remember(self, key: tuple[str, bytes, bool], prepared: _Prepared) -> None:
        self._prepared[key] = prepared
        if len(self._prepared) > REMEMBERED:
            self._prepared.popitem(last=False)
