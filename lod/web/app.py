"""The web application: records through the lean front, everything else through FastAPI.

``create_app`` returns an ASGI app. ``/id/…`` and ``/data/…`` are answered by
:class:`~lod.web.records.RecordServer` (content negotiation, caching, HTML pages); the landing
page, ``/ns/``, ``/healthz`` and the OpenAPI docs at ``/docs`` are FastAPI routes.
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import FileResponse, JSONResponse, Response

from lod.model.jsonld import DEVIATIONS, LINKED_ART_CONTEXT, extension_context, linked_art_context
from lod.settings import Settings, load_settings
from lod.store.backend import open_store
from lod.store.queries import RELATIONS as RELATIONS_TEXT
from lod.store.remote import Endpoints
from lod.uris import Uris
from lod.web import errors
from lod.web.caching import CACHE_CONTROL, is_not_modified
from lod.web.conneg import HTML, JSONLD, negotiate
from lod.web.front import Front
from lod.web.harvest import BadRequest, Harvest, NotAcceptable
from lod.web.reconcile import Reconciler, kinds_of, parse_json, wrapped
from lod.web.records import Answer, RecordServer
from lod.web.sparql import SparqlEndpoint

_DESCRIPTION = """Linked open data for archival history. Every `/id/{kind}/{slug}` answers
`303 See Other` to `/data/{kind}/{slug}`, negotiated on `Accept` (JSON-LD Linked Art, Turtle,
N-Triples, N-Quads, RDF/XML, HTML), `?format=` or an extension."""


def create_app(settings: Settings) -> Any:
    """The ASGI app serving the store built under ``settings.var_dir``."""
    uris = Uris(settings.base)
    store = open_store(settings)
    records = RecordServer(store, uris)
    sparql = SparqlEndpoint(settings, store, records.representations.pages)
    harvest = Harvest(settings, records)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sparql.pool.start()
        yield
        sparql.pool.close()
        await sparql.pool.aclose()

    app = FastAPI(
        title="lod",
        summary="Linked open data for archival history",
        description=_DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
    )
    errors.install(app, records)

    def record_route(request: Request) -> Response:
        answer = records.answer(request.method, request.url.path, request.url.query, dict(request.headers))
        return Response(answer.body, status_code=answer.status, headers=answer.headers)

    for path, summary in (
        ("/id/{kind}/{slug}", "The thing itself: 303 See Other to its description"),
        (
            "/data/{kind}/{slug}",
            "A record's description, negotiated (or with a .jsonld/.ttl/.nt/.nq/.rdf/.html extension)",
        ),
        ("/data/{kind}/{slug}/{relation}", "A paged inverse relation (documents, events, members, events-here)"),
        ("/id/{kind}/", "The paged list of the records of a kind"),
    ):
        app.add_api_route(path, record_route, methods=["GET", "HEAD", "OPTIONS"], summary=summary)

    @app.get("/ns/lod.jsonld", summary="Our JSON-LD extension context")
    def lod_context() -> Response:
        return JSONResponse(extension_context(), media_type="application/ld+json")

    @app.get("/ns/linked-art.json", summary="Our copy of the Linked Art 1.0 context")
    def linked_art() -> Response:
        return JSONResponse(linked_art_context(), media_type="application/ld+json")

    @app.get("/ns/", summary="Our vocabulary: contexts, relations, and deviations from Linked Art")
    def vocabulary(request: Request) -> Response:
        description = {
            "contexts": [uris.context(), uris.linked_art_context_copy(), LINKED_ART_CONTEXT],
            "relations": {name: text for name, (_, _, text) in RELATIONS_TEXT.items()},
            "deviations": DEVIATIONS,
        }
        if _is_browser(request):
            body = records.representations.pages.render("vocabulary.html", label="Vocabulary", **description)
            return Response(body, media_type=HTML.content_type)
        return JSONResponse(description)

    reconciler = Reconciler(uris, lambda: store.build, records.representations.pages.render)

    def reconciled(request: Request, work: Callable[[dict[str, list[str]]], Any]) -> Response:
        """A reconciliation answer: JSON or JSONP, CORS open, a 400 that names the parameter."""
        query = _query(request)
        try:
            answer = wrapped(work(query), query)
        except BadRequest as err:
            answer = wrapped({"error": {"status": 400, "detail": str(err)}}, query, 400)
        return Response(answer.body, status_code=answer.status, headers=answer.headers)

    async def form(request: Request) -> dict[str, list[str]]:
        """The query string and, for a POST, the form fields."""
        fields = _query(request)
        if request.method == "POST":
            body = (await request.body()).decode("utf-8", "replace")
            for name, values in urllib.parse.parse_qs(body, keep_blank_values=True).items():
                fields.setdefault(name, []).extend(values)
        return fields

    @app.api_route("/reconcile", methods=["GET", "POST"], summary="W3C Reconciliation Service API 0.2 (OpenRefine)")
    async def reconcile(request: Request) -> Response:
        fields = await form(request)

        def work(query: dict[str, list[str]]) -> Any:
            if "queries" in fields:
                return reconciler.reconcile(parse_json(fields["queries"][0], "queries"))
            if "extend" in fields:
                return reconciler.extend(parse_json(fields["extend"][0], "extend"))
            return reconciler.manifest()

        return reconciled(request, work)

    @app.get("/reconcile/suggest/entity", summary="Reconciliation: entity suggestions for a prefix")
    def suggest_entity(request: Request) -> Response:
        def work(query: dict[str, list[str]]) -> Any:
            kinds = kinds_of(query["type"][0], "type") if query.get("type") else None
            return reconciler.suggest_entities((query.get("prefix") or [""])[0], kinds)

        return reconciled(request, work)

    @app.get("/reconcile/suggest/type", summary="Reconciliation: type suggestions")
    def suggest_type(request: Request) -> Response:
        return reconciled(request, lambda query: reconciler.suggest_types((query.get("prefix") or [""])[0]))

    @app.get("/reconcile/suggest/property", summary="Reconciliation: property suggestions")
    def suggest_property(request: Request) -> Response:
        return reconciled(request, lambda query: reconciler.suggest_properties((query.get("prefix") or [""])[0]))

    @app.get("/reconcile/properties", summary="Reconciliation: the properties data extension offers for a type")
    def properties(request: Request) -> Response:
        def work(query: dict[str, list[str]]) -> Any:
            limit = query["limit"][0] if query.get("limit") else None
            if limit is not None and not limit.isdigit():
                raise BadRequest("limit: a number was expected")
            return reconciler.proposed(query["type"][0] if query.get("type") else None, int(limit) if limit else None)

        return reconciled(request, work)

    @app.get("/reconcile/preview", summary="Reconciliation: an HTML card of an entity")
    def preview(request: Request) -> Response:
        try:
            body = reconciler.preview((_query(request).get("id") or [""])[0])
        except BadRequest as err:
            answer = records.error(request.headers, 400, str(err))
            return Response(answer.body, status_code=answer.status, headers=answer.headers)
        return Response(body, media_type=HTML.content_type, headers={"access-control-allow-origin": "*"})

    @app.get("/search", summary="Name search over every spelling: people, groups, places, documents, events")
    def search(request: Request) -> Response:
        query = _query(request)
        text = (query.get("q") or [""])[0]
        try:
            kinds = [kinds_of(k, "type")[0] for k in query.get("type", []) if k]
            limit = (query.get("limit") or ["20"])[0]
            if not limit.isdigit() or not 1 <= int(limit) <= 100:
                raise BadRequest("limit: a number from 1 to 100 was expected")
            found = reconciler.search(text, kinds or None, int(limit)) if text.strip() else None
        except BadRequest as err:
            answer = records.error(request.headers, 400, str(err))
            return Response(answer.body, status_code=answer.status, headers=answer.headers)
        if _is_browser(request):
            return Response(reconciler.search_page(text, found), media_type=HTML.content_type)
        if found is None:
            answer = records.error(request.headers, 400, "q: a name to search for is missing")
            return Response(answer.body, status_code=answer.status, headers=answer.headers)
        return JSONResponse(found, headers={"access-control-allow-origin": "*"})

    @app.get("/healthz", summary="Health: the store (up or down) and the served build")
    def healthz() -> Response:
        kind = "embedded" if Endpoints.of(settings) is None else "remote"
        if not store.is_up():
            body = {"status": "unavailable", "store": {"kind": kind, "status": "down"}, "pid": os.getpid()}
            return JSONResponse(body, status_code=503, headers={"retry-after": "5"})
        build = store.build
        return JSONResponse(
            {
                "status": "ok",
                "store": {"kind": kind, "status": "up"},
                "build": build.id,
                "records": build.meta.get("records"),
                "pid": os.getpid(),
            }
        )

    @app.get("/", summary="Landing page")
    def index(request: Request) -> Response:
        build = store.build
        if _is_browser(request):
            page = records.representations.pages.index(build.meta, harvest.schema_org())
            return Response(page, media_type=HTML.content_type)
        examples = {kind: uris.thing(kind, slug) for kind, slug in build.meta.get("examples", {}).items()}
        lists = {kind: f"{uris.base}id/{kind}/" for kind in build.meta.get("kinds", {})}
        return JSONResponse(
            {
                "build": build.meta,
                "examples": examples,
                "lists": lists,
                "vocabulary": uris.base + "ns/",
                "sparql": uris.base + "sparql",
                "description": uris.void(),
                "dumps": uris.dump(),
                "changes": uris.changes(),
            }
        )

    def answered(request: Request, work: Callable[[], Answer]) -> Response:
        """The answer of a harvesting endpoint, its refusals in the client's format."""
        try:
            answer = work()
        except BadRequest as err:
            answer = records.error(request.headers, 400, str(err))
        except NotAcceptable as err:
            answer = records.error(request.headers, 406, str(err))
        if request.method == "HEAD":
            answer.headers["content-length"] = str(len(answer.body))
            answer.body = b""
        return Response(answer.body, status_code=answer.status, headers=answer.headers)

    def void(request: Request) -> Response:
        return answered(request, lambda: harvest.description(_query(request), request.headers))

    for path in ("/void", "/.well-known/void"):
        app.add_api_route(path, void, methods=["GET", "HEAD"], summary="The dataset description: VoID and DCAT")

    @app.api_route(
        "/dumps/", methods=["GET", "HEAD"], summary="The dumps of the served build, with sizes and checksums"
    )
    def dumps(request: Request) -> Response:
        return answered(request, lambda: harvest.dumps(request.headers))

    @app.api_route("/dumps/{name}", methods=["GET", "HEAD"], summary="One dump: gzipped, resumable (Range)")
    def dump(name: str, request: Request) -> Response:
        path, described = harvest.dump(name)
        etag = f'"{described.sha256}"'
        headers = {"etag": etag, "cache-control": CACHE_CONTROL, "access-control-allow-origin": "*"}
        if is_not_modified(request.headers, etag, store.build.modified):
            return Response(status_code=304, headers=headers)
        return FileResponse(path, media_type="application/gzip", headers=headers, filename=described.name)

    @app.api_route("/changes", methods=["GET", "HEAD"], summary="The change feed: IIIF Change Discovery 1.0")
    def changes(request: Request) -> Response:
        return answered(request, lambda: harvest.feed(None, _query(request), request.headers))

    @app.api_route("/changes/{kind}", methods=["GET", "HEAD"], summary="The change feed of one kind of record")
    def changes_of(kind: str, request: Request) -> Response:
        return answered(request, lambda: harvest.feed(kind, _query(request), request.headers))

    @app.api_route("/sitemap.xml", methods=["GET", "HEAD"], summary="Sitemap index for search engines")
    def sitemap_index(request: Request) -> Response:
        return answered(request, lambda: harvest.sitemap(None, request.headers))

    @app.api_route("/sitemap-{number}.xml", methods=["GET", "HEAD"], summary="One sitemap of HTML record pages")
    def sitemap(number: int, request: Request) -> Response:
        return answered(request, lambda: harvest.sitemap(number, request.headers))

    @app.api_route("/robots.txt", methods=["GET", "HEAD"], summary="robots.txt")
    def robots() -> Response:
        return Response(harvest.robots(), media_type="text/plain; charset=utf-8")

    async def sparql_route(request: Request) -> Response:
        answer = await sparql.answer(request.method, request.url.query, dict(request.headers), await request.body())
        return Response(answer.body, status_code=answer.status, headers=answer.headers)

    app.add_api_route(
        "/sparql",
        sparql_route,
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        summary="SPARQL 1.1 Protocol: query (GET ?query=, POST form or application/sparql-query); "
        "without a query, the Service Description or, for browsers, the query page",
    )

    return Front(records, sparql, app)


def app_from_environment() -> Any:
    """The app for settings in ``LOD_*`` variables (how ``lod serve --workers N`` starts each worker)."""
    return create_app(load_settings(os.environ, None))


def _query(request: Request) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(request.url.query, keep_blank_values=True)


def _is_browser(request: Request) -> bool:
    choice = negotiate(request.headers.get("accept"), (JSONLD, HTML))
    return choice is not None and choice.format is HTML and "text/html" in request.headers.get("accept", "")
