"""The SPARQL endpoint's queries sent to a remote store, with lod's own limits on top of the store's.

The endpoint checks a query first (updates, ``SERVICE``, length) exactly as with the embedded
store. Then the query goes to the store over the SPARQL 1.1 Protocol, asking for SPARQL JSON or
N-Triples; the answer is read in chunks up to the byte limit, parsed, and written in the client's
format by the same code as the embedded store's workers (row cap, de-duplicated triples). lod
stops waiting at the time limit and answers ``503``; the store itself keeps its own time limit
(set one there: a remote engine cannot be killed from here). At most ``size + queue_limit``
queries are under way at once; more get :class:`~lod.store.querypool.Busy`.

httpx is used here rather than SPARQLWrapper (which the store's own reads use): these requests
must be awaited on the event loop, streamed with a byte limit, and dropped when the client leaves.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable

import httpx
import pyoxigraph as ox

from lod.store.querypool import Busy, QueryTimeout
from lod.store.queryworker import QueryJob, QueryOutcome, Writing, outcome
from lod.store.remote import TRIPLES, Endpoints, tls

SOLUTIONS = "application/sparql-results+json"


class RemoteQueries:
    """Runs endpoint queries on a remote store; the same interface as :class:`~lod.store.querypool.QueryPool`."""

    def __init__(
        self,
        endpoints: Endpoints,
        build_id: Callable[[], str],
        size: int = 2,
        timeout: float = 10.0,
        max_rows: int = 10_000,
        max_bytes: int = 50_000_000,
        queue_limit: int = 8,
        prefixes: dict[str, str] | None = None,
    ) -> None:
        self.endpoints = endpoints
        self.build_id = build_id
        self.size = size
        self.timeout = timeout
        self.queue_limit = queue_limit
        self.limits = Writing(max_rows, max_bytes, prefixes or {})
        self.isolated: bool | None = None
        self._lock = threading.Lock()
        self._under_way = 0
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    def start(self) -> None:
        """Nothing to start: the store is already running."""

    def close(self) -> None:
        """Nothing to stop: the connections are closed by :meth:`aclose`."""

    async def aclose(self) -> None:
        """Close the connections kept open to the store from this event loop."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()

    def _client(self) -> httpx.AsyncClient:
        """One client per event loop, so that connections to the store are kept and reused."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            limits = httpx.Limits(max_connections=self.size + self.queue_limit)
            client = httpx.AsyncClient(timeout=self.timeout, trust_env=False, verify=tls(), limits=limits)
            self._clients[loop] = client
        return client

    async def run(self, job: QueryJob) -> QueryOutcome:
        """Ask the store; :class:`Busy` when too many queries are under way, :class:`QueryTimeout`."""
        with self._lock:
            if self._under_way >= self.size + self.queue_limit:
                raise Busy(f"{self._under_way} queries are under way")
            self._under_way += 1
        try:
            return await asyncio.wait_for(self._ask(job), self.timeout)
        except TimeoutError:
            raise QueryTimeout(f"the query ran for more than {self.timeout:g} s and was abandoned") from None
        finally:
            with self._lock:
                self._under_way -= 1

    async def _ask(self, job: QueryJob) -> QueryOutcome:
        accept = ", ".join(
            kind for kind, wanted in ((SOLUTIONS, job.solutions_format), (TRIPLES, job.graph_format)) if wanted
        )
        dataset = {"default-graph-uri": job.default_graphs, "named-graph-uri": job.named_graphs}
        headers = {"Accept": accept, "Content-Type": "application/sparql-query; charset=utf-8"}
        try:
            async with self._client().stream(
                "POST", self.endpoints.query, params=dataset, content=job.query.encode(), headers=headers
            ) as response:
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > self.limits.bytes:
                        message = f"the result is longer than {self.limits.bytes:,} bytes"
                        return QueryOutcome("too-many-rows", message=message)
                status, kind = response.status_code, response.headers.get("content-type", "").split(";")[0].strip()
        except httpx.TransportError as err:
            return QueryOutcome("unavailable", message=f"the store cannot be reached ({type(err).__name__})")
        build = self.build_id()
        if status == 406:
            return QueryOutcome("not-acceptable", "graph" if TRIPLES not in accept else "solutions")
        if 400 <= status < 500:
            return QueryOutcome("syntax", message=bytes(body).decode("utf-8", "replace").strip()[:2000])
        if status >= 300:
            return QueryOutcome("unavailable", message=f"the store answered {status}")
        if kind == SOLUTIONS:
            result = ox.parse_query_results(bytes(body), format=ox.QueryResultsFormat.JSON)
            return outcome(result, job, self.limits)._replace(build=build)
        if kind == TRIPLES:
            triples = [q.triple for q in ox.parse(bytes(body), format=ox.RdfFormat.N_TRIPLES)]
            return outcome(triples, job, self.limits)._replace(build=build)
        return QueryOutcome("error", message=f"the store answered with {kind or 'no content type'}")
