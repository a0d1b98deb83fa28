"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: queries only, with limits, and no way out.

``GET ?query=``, ``POST`` form-encoded and ``POST application/sparql-query``; ``default-graph-uri``
and ``named-graph-uri``. Without a query: a Service Description for RDF clients, a query page for
browsers. Updates are refused (403), ``SERVICE`` too unless allow-listed (400). Queries run in the
worker processes of :class:`~lod.store.querypool.QueryPool`, which stops them at the time limit
(503, never a truncated 200). Answers to GET are kept per build, so a repeated query is answered from
memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import urllib.parse
from collections import OrderedDict
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import pyoxigraph as ox

from lod.settings import Settings
from lod.store.backend import Store
from lod.store.querypool import Busy, QueryJob, QueryOutcome, QueryPool, QueryTimeout
from lod.store.remote import Endpoints
from lod.store.remotequeries import RemoteQueries
from lod.store.sparqltext import allowed, inspect
from lod.uris import Uris
from lod.vocab import PREFIXES
from lod.web.conneg import HTML, Choice, Format, by_name
from lod.web.examples import EXAMPLES
from lod.web.pages import Pages
from lod.web.records import Answer, error_body, wants_html
from lod.web.sparqlformats import DESCRIPTION, GRAPHS, SOLUTIONS, content_type, negotiate

KEPT_BODY = 1_000_000  # larger results are not kept
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
CORS = {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": "Content-Type, Retry-After",
}
FORMATS_W3C = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "ttl": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD",
    "rdf": "RDF_XML",
    "nq": "N-Quads",
}


class ClientGone(Exception):
    """The client closed the connection before its answer was ready."""


class Refused(Exception):
    """A request the endpoint answers with an error status, before any query runs."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}


@dataclass(frozen=True)
class Request:
    """What a protocol request asks for, read from its method, URL and body."""

    query: str | None
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]
    format: str | None


@dataclass(frozen=True)
class _Kept:
    """A successful answer to a GET, as ASGI messages, and the build it came from."""

    build: str
    start: dict[str, Any]
    body: dict[str, Any]


class SparqlEndpoint:
    """Answers ``/sparql`` requests."""

    def __init__(
        self, settings: Settings, store: Store, pages: Pages, pool: QueryPool | RemoteQueries | None = None
    ) -> None:
        self.settings = settings
        self.uris = Uris(settings.base)
        self.store = store
        self.pages = pages
        self.allow = tuple(settings.service_allow.split())
        self.pool = pool or _pool(settings, store, isolate=not self.allow)
        self._kept: OrderedDict[tuple[bytes, bytes, bytes], _Kept] = OrderedDict()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        key = _replay_key(scope) if self.settings.query_cache else None
        if key is not None:
            kept = self._kept.get(key)
            if kept is not None and kept.build == self.store.build.id:
                await send(kept.start)
                await send(kept.body)
                return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        body: bytes | None = b""
        if scope["method"] == "POST":
            body = await _read_body(receive, self.settings.query_max_length * 4)
        query_string = scope.get("query_string", b"").decode("latin-1")
        try:
            answer, build = await self.exchange(scope["method"], query_string, headers, body, receive)
        except ClientGone:  # its query was stopped; there is no one to answer
            return
        start, message = answer.messages(head=scope["method"] == "HEAD")
        if key is not None and build is not None and len(answer.body) <= KEPT_BODY:
            self._keep(key, _Kept(build, start, message))
        await send(start)
        await send(message)

    async def answer(self, method: str, query_string: str, headers: Mapping[str, str], body: bytes | None) -> Answer:
        """The response to a protocol request."""
        return (await self.exchange(method, query_string, headers, body))[0]

    async def exchange(
        self, method: str, query_string: str, headers: Mapping[str, str], body: bytes | None, receive: Any = None
    ) -> tuple[Answer, str | None]:
        """The response, and the build it holds for when it may be given again (None: it may not)."""
        try:
            if body is None:
                raise Refused(413, f"the request body is larger than {self.settings.query_max_length * 4} bytes")
            request = self.read(method, query_string, headers, body)
            if request.query is None:
                return self.describe(headers, request), None
            return await self.run(request, headers, receive)
        except Refused as refused:
            return self.error(headers, refused.status, refused.detail, refused.headers), None

    def read(self, method: str, query_string: str, headers: Mapping[str, str], body: bytes) -> Request:
        """The protocol operation: which query, on which dataset, in which format."""
        if method == "OPTIONS":
            raise Refused(204, "")
        if method not in ("GET", "HEAD", "POST"):
            raise Refused(
                405,
                f"{method} is not allowed: this endpoint answers GET and POST queries",
                {"allow": "GET, HEAD, POST, OPTIONS"},
            )
        url = urllib.parse.parse_qs(query_string, keep_blank_values=True)
        params = url
        kind = headers.get("content-type", "").split(";")[0].strip().lower()
        charset = _charset(headers.get("content-type", ""))
        if method == "POST" and charset not in ("utf-8", "utf8"):
            raise Refused(415, f"queries are UTF-8 text; the request says charset={charset}")
        if method == "POST":
            if kind == UPDATE:
                raise Refused(403, "this endpoint is read-only: SPARQL updates are not accepted")
            if kind == FORM:
                params = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                for name in ("default-graph-uri", "named-graph-uri", "format"):
                    params.setdefault(name, url.get(name, []))
            elif kind == QUERY:
                params = {**url, "query": [body.decode("utf-8", "replace")]}
            else:
                raise Refused(415, f"POST a query as {FORM} or {QUERY}, not {kind or 'no Content-Type'}")
        if "update" in params:
            raise Refused(403, "this endpoint is read-only: SPARQL updates are not accepted")
        queries = params.get("query", [])
        if len(queries) > 1:
            raise Refused(400, "one query per request: the 'query' parameter was given more than once")
        if method == "POST" and not queries:
            raise Refused(400, "missing the 'query' parameter")
        formats = params.get("format", [])
        return Request(
            queries[0] if queries else None,
            tuple(params.get("default-graph-uri", [])),
            tuple(params.get("named-graph-uri", [])),
            formats[0] if formats else None,
        )

    def check(self, request: Request) -> None:
        """Length, updates, SERVICE, graph IRIs: refused before anything runs."""
        query = request.query or ""
        if len(query) > self.settings.query_max_length:
            raise Refused(
                413, f"the query is {len(query)} characters long; the limit is {self.settings.query_max_length}"
            )
        if not query.strip():
            raise Refused(400, "the query is empty")
        text = inspect(query)
        if text.is_update:
            raise Refused(403, f"this endpoint is read-only: {text.first_word} is a SPARQL update")
        for endpoint in text.services:
            if not allowed(endpoint, self.allow):
                what = f"<{endpoint}>" if endpoint else "an endpoint given by a variable"
                raise Refused(400, f"SERVICE is not allowed here ({what}): this endpoint does not call other endpoints")
        for iri in request.default_graphs + request.named_graphs:
            try:
                ox.NamedNode(iri)
            except ValueError:
                raise Refused(400, f"graph IRI {iri[:200]!r} is not an IRI") from None

    def choose(self, request: Request, headers: Mapping[str, str]) -> tuple[Choice | None, Choice | None]:
        if request.format:
            solutions = by_name(request.format, SOLUTIONS)
            graph = by_name(request.format, GRAPHS)
            if solutions is None and graph is None:
                names = sorted({f.name for f in SOLUTIONS + GRAPHS})
                raise Refused(400, f"unknown format {request.format!r}; try {', '.join(names)}")
            return (Choice(solutions) if solutions else None, Choice(graph) if graph else None)
        accept = headers.get("accept")
        solutions_choice, graph_choice = negotiate(accept, SOLUTIONS), negotiate(accept, GRAPHS)
        if solutions_choice is None and graph_choice is None:
            raise Refused(406, "none of the accepted types is available; results come as "
                          + ", ".join(f.media_type for f in SOLUTIONS + GRAPHS))  # fmt: skip
        return solutions_choice, graph_choice

    async def run(self, request: Request, headers: Mapping[str, str], receive: Any = None) -> tuple[Answer, str | None]:
        self.check(request)
        solutions, graph = self.choose(request, headers)
        job = QueryJob(
            request.query or "",
            request.default_graphs,
            request.named_graphs,
            solutions.format.name if solutions else None,
            graph.format.name if graph else None,
        )
        try:
            outcome = await _unless_gone(self.pool.run(job), receive)
        except QueryTimeout as err:
            raise Refused(
                503, f"{err}; make the query cheaper (LIMIT, more specific patterns)", {"retry-after": "5"}
            ) from None
        except Busy as err:
            raise Refused(503, f"too many queries at once ({err}); try again shortly", {"retry-after": "2"}) from None
        return self.respond(outcome, request, headers), outcome.build

    def respond(self, outcome: QueryOutcome, request: Request, headers: Mapping[str, str]) -> Answer:
        if outcome.status == "syntax":
            raise Refused(400, f"SPARQL syntax error: {outcome.message}")
        if outcome.status == "too-many-rows":
            raise Refused(400, f"{outcome.message}, the most this endpoint returns; add a LIMIT or narrow the query")
        if outcome.status == "not-acceptable":
            available = SOLUTIONS if outcome.kind in ("solutions", "boolean") else GRAPHS
            raise Refused(
                406,
                f"this query gives {outcome.kind} results, available as " + ", ".join(f.media_type for f in available),
            )
        if outcome.status == "unavailable":
            raise Refused(503, outcome.message, {"retry-after": "30"})
        if outcome.status != "ok" or outcome.format is None:
            raise Refused(400, outcome.message or "the query failed")
        fmt = by_name(outcome.format, SOLUTIONS if outcome.kind in ("solutions", "boolean") else GRAPHS)
        assert fmt is not None
        common = {**CORS, "vary": "Accept", "cache-control": "public, max-age=60"}
        if fmt is HTML:
            body = self.page(request, outcome)
            return Answer(200, {**common, "content-type": HTML.content_type}, body)
        return Answer(200, {**common, "content-type": content_type(fmt)}, outcome.body)

    def _keep(self, key: tuple[bytes, bytes, bytes], kept: _Kept) -> None:
        self._kept[key] = kept
        while len(self._kept) > self.settings.query_cache:
            self._kept.popitem(last=False)

    def error(self, headers: Mapping[str, str], status: int, detail: str, extra: dict[str, str]) -> Answer:
        if status == 204:
            preflight = {**CORS, "access-control-allow-methods": "GET, HEAD, POST, OPTIONS",
                         "access-control-allow-headers": "Accept, Content-Type", "access-control-max-age": "86400",
                         "allow": "GET, HEAD, POST, OPTIONS"}  # fmt: skip
            return Answer(204, preflight)
        common = {**CORS, **extra}
        if wants_html(headers):
            page = self.pages.render("error.html", status=status, title=HTTPStatus(status).phrase, detail=detail)
            return Answer(status, {**common, "content-type": HTML.content_type}, page)
        return Answer(
            status, {**common, "content-type": "application/json"}, json.dumps(error_body(status, detail)).encode()
        )

    def describe(self, headers: Mapping[str, str], request: Request) -> Answer:
        """Without a query: the Service Description, or the query page for browsers."""
        fmt = by_name(request.format, DESCRIPTION) if request.format else None
        if fmt is None:
            choice = negotiate(headers.get("accept"), DESCRIPTION)
            if choice is None:
                raise Refused(406, "the service description comes as " + ", ".join(f.media_type for f in DESCRIPTION))
            fmt = choice.format
        common = {**CORS, "vary": "Accept"}
        if fmt is HTML:
            return Answer(200, {**common, "content-type": HTML.content_type}, self.page(request, None))
        return Answer(200, {**common, "content-type": fmt.content_type}, self.service_description(fmt))

    def service_description(self, fmt: Format) -> bytes:
        sd = "http://www.w3.org/ns/sparql-service-description#"
        endpoint = ox.NamedNode(self.uris.base + "sparql")
        dataset = ox.NamedNode(self.uris.base + "sparql#dataset")
        default = ox.NamedNode(self.uris.base + "sparql#default-graph")
        a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

        def n(name: str) -> ox.NamedNode:
            return ox.NamedNode(sd + name)

        triples = [
            ox.Triple(endpoint, a, n("Service")),
            ox.Triple(endpoint, n("endpoint"), endpoint),
            ox.Triple(endpoint, n("supportedLanguage"), n("SPARQL11Query")),
            ox.Triple(endpoint, n("feature"), n("UnionDefaultGraph")),
            ox.Triple(endpoint, n("defaultDataset"), dataset),
            ox.Triple(dataset, a, n("Dataset")),
            ox.Triple(dataset, n("defaultGraph"), default),
            ox.Triple(default, a, n("Graph")),
            ox.Triple(
                default,
                ox.NamedNode("http://rdfs.org/ns/void#triples"),
                ox.Literal(
                    str(self.store.build.meta.get("statistics", {}).get("triples", 0)),
                    datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"),
                ),
            ),
        ]
        triples += [
            ox.Triple(endpoint, n("resultFormat"), ox.NamedNode(f"http://www.w3.org/ns/formats/{name}"))
            for name in FORMATS_W3C.values()
        ]
        rdf = {
            "ttl": ox.RdfFormat.TURTLE,
            "jsonld": ox.RdfFormat.JSON_LD,
            "nt": ox.RdfFormat.N_TRIPLES,
            "rdf": ox.RdfFormat.RDF_XML,
        }[fmt.name]
        prefixes = {"sd": sd, "formats": "http://www.w3.org/ns/formats/"} if rdf is ox.RdfFormat.TURTLE else None
        return ox.serialize(triples, format=rdf, prefixes=prefixes) or b""

    def page(self, request: Request, outcome: QueryOutcome | None) -> bytes:
        base = self.uris.base
        examples = [(e.title, e.text(base)) for e in EXAMPLES]
        query = request.query or examples[1][1]
        formats = []
        if outcome is not None:
            available = SOLUTIONS if outcome.kind in ("solutions", "boolean") else GRAPHS
            formats = [
                (f.name, "/sparql?" + urllib.parse.urlencode({"query": query, "format": f.name}))
                for f in available
                if f is not HTML
            ]
        return self.pages.render(
            "sparql.html",
            label="SPARQL",
            query=query,
            examples=[(title, "/sparql?" + urllib.parse.urlencode({"query": text})) for title, text in examples],
            prefixes=PREFIXES,
            outcome=outcome,
            downloads=formats,
        )


def _pool(settings: Settings, store: Store, isolate: bool) -> QueryPool | RemoteQueries:
    """Worker processes on the embedded store, or the remote store itself."""
    endpoints = Endpoints.of(settings)
    if endpoints is not None:
        return RemoteQueries(
            endpoints, lambda: store.build.id, settings.query_workers, settings.query_timeout,
            settings.query_max_rows, settings.query_max_bytes, settings.query_queue, PREFIXES,
        )  # fmt: skip
    return QueryPool(
        store.var_dir, settings.query_workers, settings.query_timeout, settings.query_max_rows,
        settings.query_max_bytes, settings.query_queue, isolate, PREFIXES,
    )  # fmt: skip


async def _unless_gone(work: Coroutine[Any, Any, QueryOutcome], receive: Any) -> QueryOutcome:
    """The outcome of ``work``, unless the client goes away first: then it is cancelled (a running
    query's worker is killed, a waiting one leaves the queue) and :class:`ClientGone` is raised."""
    if receive is None:
        return await work

    async def gone() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    running, watching = asyncio.ensure_future(work), asyncio.ensure_future(gone())
    try:
        await asyncio.wait((running, watching), return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (running, watching):
            if not task.done():
                task.cancel()
    if not running.done() or running.cancelled():
        with contextlib.suppress(asyncio.CancelledError):
            await running
        raise ClientGone
    return running.result()


def _replay_key(scope: dict[str, Any]) -> tuple[bytes, bytes, bytes] | None:
    """A GET is answered by its query string and Accept header alone, so these are its key."""
    if scope["method"] not in ("GET", "HEAD") or not scope.get("query_string"):
        return None
    accept = b""
    for name, value in scope["headers"]:
        if name == b"accept":
            accept = value
    return scope["method"].encode(), scope["query_string"], accept


def _charset(content_type: str) -> str:
    """The charset parameter of a Content-Type (UTF-8 when absent)."""
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return "utf-8"


async def _read_body(receive: Any, limit: int) -> bytes | None:
    """The request body, or None when it is larger than ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)
