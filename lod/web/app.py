"""The web application: dereferenceable records with content negotiation.

``/id/{kind}/{slug}`` answers ``303 See Other`` to ``/data/{kind}/{slug}``, which returns the
record's named graph as JSON-LD (Linked Art), Turtle or N-Triples, chosen by ``Accept``,
``?format=`` or a file extension.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import JSONResponse, RedirectResponse, Response

from lod.errors import NotFound
from lod.model.jsonld import extension_context, linked_art_context
from lod.settings import Settings
from lod.store.embedded import EmbeddedStore
from lod.uris import KINDS, Uris, is_slug
from lod.web import errors
from lod.web.conneg import FORMATS, Format, by_name, negotiate
from lod.web.representations import Representations

_TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def create_app(settings: Settings) -> FastAPI:
    """A FastAPI app serving the store built under ``settings.var_dir``."""
    uris = Uris(settings.base)
    store = EmbeddedStore(Path(settings.var_dir), settings.base)
    representations = Representations(store, uris)
    app = FastAPI(title="lod", summary="Linked open data for archival history", version="0.1.0")
    errors.install(app)

    @app.middleware("http")
    async def cors(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        if request.method in ("GET", "HEAD"):
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    def record(kind: str, slug: str) -> None:
        if kind not in KINDS or not is_slug(slug):
            raise NotFound(f"no {kind} record {slug!r}" if kind in KINDS else f"unknown kind {kind!r}")

    @app.api_route(
        "/id/{kind}/{slug}",
        methods=["GET", "HEAD"],
        summary="The thing itself: 303 to its description",
    )
    def thing(kind: str, slug: str) -> Response:
        record(kind, slug)
        if not store.has_graph(uris.data(kind, slug)):
            raise NotFound(f"no {kind} record {slug!r}")
        return RedirectResponse(uris.data(kind, slug), status_code=303, headers={"Vary": "Accept"})

    @app.api_route("/data/{kind}/{name}", methods=["GET", "HEAD"], summary="A record's description, negotiated")
    def data(request: Request, kind: str, name: str, format: str | None = None) -> Response:
        slug, _, extension = name.partition(".")
        chosen: Format | None
        if extension:
            chosen = by_name(extension, FORMATS)
            if chosen is None:
                raise NotFound(f"no representation {extension!r}; try {', '.join(f.name for f in FORMATS)}")
        elif format:
            chosen = by_name(format, FORMATS)
            if chosen is None:
                raise HTTPException(400, f"unknown format {format!r}; try {', '.join(f.name for f in FORMATS)}")
        else:
            chosen = negotiate(request.headers.get("accept"), FORMATS)
            if chosen is None:
                available = ", ".join(f.media_type for f in FORMATS)
                raise HTTPException(406, f"none of the accepted types is available; available: {available}")
        record(kind, slug)
        representation = representations.get(kind, slug, chosen)
        alternates = ", ".join(
            f'<{uris.data(kind, slug, f.name)}>; rel="alternate"; type="{f.media_type}"' for f in FORMATS
        )
        headers = {
            "Vary": "Accept",
            "Content-Location": uris.data(kind, slug, chosen.name),
            "Link": alternates,
        }
        return Response(representation.body, media_type=chosen.content_type, headers=headers)

    @app.get("/ns/lod.jsonld", summary="Our JSON-LD extension context")
    def lod_context() -> Response:
        return JSONResponse(extension_context(), media_type="application/ld+json")

    @app.get("/ns/linked-art.json", summary="Our copy of the Linked Art 1.0 context")
    def linked_art() -> Response:
        return JSONResponse(linked_art_context(), media_type="application/ld+json")

    @app.get("/healthz", summary="Health and the served build")
    def healthz() -> dict[str, Any]:
        build = store.build
        return {
            "status": "ok",
            "build": build.id,
            "records": build.meta.get("records"),
            "pid": os.getpid(),
        }

    @app.get("/", summary="Landing page", include_in_schema=False)
    def index(request: Request) -> Response:
        build = store.build
        examples = {kind: uris.thing(kind, slug) for kind, slug in build.meta.get("examples", {}).items()}
        context = {
            "build": build.meta,
            "examples": examples,
            "kinds": build.meta.get("kinds", {}),
            "base": uris.base,
        }
        if "text/html" not in request.headers.get("accept", ""):
            return Response(json.dumps(context, indent=2), media_type="application/json")
        return _TEMPLATES.TemplateResponse(request, "index.html", context)

    return app
