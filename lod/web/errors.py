"""Errors of the FastAPI routes become responses here, in the record server's one shape.

JSON: ``{"error": {"status": 404, "title": "Not Found", "detail": "…"}}``; browsers get the same
as a short HTML page. Unexpected exceptions are logged and answered with a generic 500 that never
echoes their text.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from lod.errors import LodError, NotFound, StoreUnavailable
from lod.web.records import RecordServer

log = logging.getLogger("lod.web")


def install(app: FastAPI, records: RecordServer) -> None:
    """Register the handlers that turn exceptions into responses."""

    def respond(request: Request, status: int, detail: str, extra: dict[str, str] | None = None) -> Response:
        answer = records.error(request.headers, status, detail, extra)
        return Response(answer.body, status_code=answer.status, headers=answer.headers)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return respond(request, 404, str(exc))

    @app.exception_handler(StoreUnavailable)
    async def unavailable(request: Request, exc: StoreUnavailable) -> Response:
        return respond(request, 503, str(exc), {"retry-after": "30"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if exc.status_code == 404:
            detail = f"nothing at {request.url.path[:200]!r}"
        return respond(request, exc.status_code, detail, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return respond(request, 400, f"bad request: {problems}")

    @app.exception_handler(LodError)
    async def lod_error(request: Request, exc: LodError) -> Response:
        log.error("request %s failed: %s", request.url.path, exc)
        return respond(request, 500, "internal error; it has been logged")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return respond(request, 500, "internal error; it has been logged")
