"""Any SPARQL 1.1 server as the store: reads over the SPARQL 1.1 Protocol, record graphs over the Graph Store Protocol.

The endpoints follow the Oxigraph server's layout by default (``{store_url}/query``,
``{store_url}/update``, ``{store_url}/store``); each can be set on its own for Fuseki
(``/ds/query``, ``/ds/update``, ``/ds/data``), Virtuoso, GraphDB or Neptune. The build's own files
(its record, the lists, the change log, the dumps) stay in ``var/``, which every web host reads;
only the records live in the remote store. A store that does not answer within ``store_timeout``
is :class:`~lod.errors.StoreUnavailable` (a ``503`` with ``Retry-After``); every request tries
again, so service comes back by itself when the store does.
"""

from __future__ import annotations

import contextlib
import os
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
from SPARQLWrapper import CONSTRUCT, DESCRIBE, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException, Unauthorized

from lod.errors import LodError, StoreUnavailable
from lod.settings import Settings
from lod.store.embedded import CURRENT, Build, current_build

TRIPLES = "application/n-triples"
Result = ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]


@cache
def tls() -> ssl.SSLContext:
    """The TLS context of every connection to the store, made once (making one takes ~50 ms)."""
    return ssl.create_default_context()


@dataclass(frozen=True)
class Endpoints:
    """Where the remote store answers, how long to wait, and who may write."""

    query: str
    update: str
    graphs: str
    timeout: float = 10.0
    user: str = ""
    password: str = ""

    @classmethod
    def of(cls, settings: Settings) -> Endpoints | None:
        """The endpoints the settings name, or None for the embedded store."""
        if not settings.store_url and not settings.store_query_url:
            return None
        root = settings.store_url.rstrip("/")
        return cls(
            settings.store_query_url or f"{root}/query",
            settings.store_update_url or f"{root}/update",
            settings.store_graph_url or f"{root}/store",
            settings.store_timeout,
            settings.store_user,
            settings.store_password,
        )

    @property
    def auth(self) -> httpx.BasicAuth | None:
        return httpx.BasicAuth(self.user, self.password) if self.user else None


class RemoteStore:
    """The served records in a SPARQL 1.1 server; the served build's files in ``var_dir``.

    It answers what :class:`~lod.store.embedded.EmbeddedStore` answers, so the web layer does not
    know which one it has.
    """

    def __init__(self, var_dir: Path, endpoints: Endpoints, base: str | None = None) -> None:
        self.var_dir = var_dir
        self.endpoints = endpoints
        self.base = base
        self._session: httpx.Client | None = None
        self._build: tuple[str, Build] | None = None

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """One connection kept open for many requests (a build's publication); otherwise one per request."""
        with httpx.Client(timeout=self.endpoints.timeout, trust_env=False, verify=tls()) as client:
            self._session = client
            try:
                yield
            finally:
                self._session = None

    def current(self) -> tuple[RemoteStore, Build]:
        """This store and the build currently served (read again when ``var/current`` moves on)."""
        try:
            target = os.readlink(self.var_dir / CURRENT)
        except OSError:
            raise StoreUnavailable(f"no build in {self.var_dir}/ yet: run `lod build` first") from None
        if self._build is None or self._build[0] != target:
            self._build = (target, current_build(self.var_dir))
        build = self._build[1]
        if self.base is not None and build.meta.get("base") != self.base:
            raise StoreUnavailable(
                f"the build in {self.var_dir}/ was made for base {build.meta.get('base')!r}, not {self.base!r}"
            )
        return self, build

    @property
    def build(self) -> Build:
        return self.current()[1]

    def query(self, sparql: str) -> Result:
        """Run a query on the default graph (the merge of every record), over the SPARQL 1.1 Protocol."""
        endpoint = SPARQLWrapper(self.endpoints.query)
        endpoint.setMethod(POST)
        endpoint.setTimeout(max(1, round(self.endpoints.timeout)))
        endpoint.setQuery(sparql)
        graph = endpoint.queryType in (CONSTRUCT, DESCRIBE)
        endpoint.setReturnFormat(TURTLE if graph else JSON)
        try:
            with contextlib.closing(endpoint.query().response) as response:
                body = response.read()
        except (QueryBadFormed, Unauthorized) as err:
            raise LodError(f"the store at {self.endpoints.query} refused a query: {err}") from None
        except (SPARQLWrapperException, OSError) as err:  # unreachable, timed out, 5xx
            raise StoreUnavailable(
                f"the store at {self.endpoints.query} did not answer: {type(err).__name__}"
            ) from None
        if graph:
            return [q.triple for q in ox.parse(body, format=ox.RdfFormat.TURTLE)]
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        """Every quad of one record graph (none when there is no such graph)."""
        response = self._send("GET", self.endpoints.graphs, params={"graph": graph}, headers={"Accept": TRIPLES},
                              missing_ok=True)  # fmt: skip
        if response.status_code == 404:
            return []
        name = ox.NamedNode(graph)
        return [
            ox.Quad(q.subject, q.predicate, q.object, name)
            for q in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
        ]

    def has_graph(self, graph: str) -> bool:
        answer = self.query(f"ASK {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}")
        return bool(answer)

    def is_up(self) -> bool:
        """Whether the store answers a trivial query now."""
        try:
            self.query("ASK {}")
        except (StoreUnavailable, LodError):
            return False
        return True

    # Writes, for builds

    def put_graph(self, graph: str, triples: list[ox.Triple]) -> None:
        """Replace one record graph (one Graph Store Protocol ``PUT``: readers see the old or the new graph)."""
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        self._send("PUT", self.endpoints.graphs, params={"graph": graph}, content=body,
                   headers={"Content-Type": TRIPLES}, write=True)  # fmt: skip

    def delete_graph(self, graph: str) -> None:
        self._send("DELETE", self.endpoints.graphs, params={"graph": graph}, write=True, missing_ok=True)

    def update(self, sparql: str) -> None:
        """Run a SPARQL update (one request, one transaction on the servers lod is tested with)."""
        self._send("POST", self.endpoints.update, data={"update": sparql}, write=True)

    def _send(
        self, method: str, url: str, write: bool = False, missing_ok: bool = False, **options: Any
    ) -> httpx.Response:
        auth = self.endpoints.auth if write else None
        try:
            if self._session is not None:
                response = self._session.request(method, url, auth=auth, **options)
            else:
                with httpx.Client(timeout=self.endpoints.timeout, trust_env=False, verify=tls()) as client:
                    response = client.request(method, url, auth=auth, **options)
        except httpx.TimeoutException:
            raise StoreUnavailable(f"the store at {url} did not answer in {self.endpoints.timeout:g} s") from None
        except httpx.TransportError as err:
            raise StoreUnavailable(f"the store at {url} cannot be reached ({type(err).__name__})") from None
        if response.status_code >= 500 or response.status_code in (401, 403, 429):
            raise StoreUnavailable(f"the store at {url} answered {response.status_code}: {response.text[:200]}")
        if response.status_code >= 400 and not (missing_ok and response.status_code == 404):
            raise LodError(f"the store at {url} refused a {method}: {response.status_code} {response.text[:300]}")
        return response
