"""The reference ceiling of the SPARQL benchmark: pyoxigraph run on uvicorn's event loop, nothing else.

No time limit, no row cap, no checks, no negotiation: a raw ASGI app that parses ``?query=``,
runs it in its own process and writes SPARQL JSON. It is not something to deploy (a runaway query
holds its worker until it ends); it shows how fast Python, uvicorn and pyoxigraph can answer on
this machine, so that lod's figures can be read against what the stack itself allows.
Started by :func:`bench.sparql.inprocess_server` as ``uvicorn bench.inprocess:app``.
"""

from __future__ import annotations

import os
import urllib.parse
from typing import Any

import pyoxigraph as ox

_store = ox.Store.read_only(os.environ["BENCH_STORE"])
_HEADERS = [(b"content-type", b"application/sparql-results+json")]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    query = urllib.parse.parse_qs(scope["query_string"].decode())["query"][0]
    result = _store.query(query)
    assert isinstance(result, (ox.QuerySolutions, ox.QueryBoolean))
    body = result.serialize(format=ox.QueryResultsFormat.JSON) or b""
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": body})
