"""Errors become responses here, in one shape, in the client's format.

JSON: ``{"error": {"status": 404, "title": "Not Found", "detail": "…"}}``; browsers get the same
as a short HTML page. Unexpected exceptions are logged and answered with a generic 500 that never
echoes their text.
"""

from __future__ import annotations

import html
import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

from lod.errors import LodError, NotFound, StoreUnavailable

log = logging.getLogger("lod.web")


def error_body(status: int, detail: str) -> dict[str, dict[str, object]]:
    """The one JSON shape of every error."""
    return {"error": {"status": status, "title": HTTPStatus(status).phrase, "detail": detail}}


def error_response(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    """An error in the client's format: HTML for browsers, JSON otherwise."""
    accept = request.headers.get("accept", "")
    if "text/html" in accept and "json" not in accept.split(",")[0]:
        title = HTTPStatus(status).phrase
        page = (
            f"<!doctype html><meta charset=utf-8><title>{status} {html.escape(title)}</title>"
            f"<h1>{status} {html.escape(title)}</h1><p>{html.escape(detail)}</p><p><a href=/>lod</a></p>"
        )
        return HTMLResponse(page, status_code=status, headers=headers)
    return JSONResponse(error_body(status, detail), status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into responses."""

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404, str(exc))

    @app.exception_handler(StoreUnavailable)
    async def unavailable(request: Request, exc: StoreUnavailable) -> Response:
        return error_response(request, 503, str(exc), {"Retry-After": "30"})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return error_response(request, exc.status_code, detail, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return error_response(request, 400, f"bad request: {problems}")

    @app.exception_handler(LodError)
    async def lod_error(request: Request, exc: LodError) -> Response:
        log.error("request %s failed: %s", request.url.path, exc)
        return error_response(request, 500, "internal error; it has been logged")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, "internal error; it has been logged")
