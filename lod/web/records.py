"""The record endpoints, as one function from a request to an :class:`Answer`.

``/id/{kind}/{slug}`` → ``303`` to ``/data/{kind}/{slug}``; ``/data/{kind}/{slug}[.ext]`` → the
record, negotiated; ``/data/{kind}/{slug}/{relation}`` → a paged inverse relation;
``/id/{kind}/`` → the paged list of a kind. Both the lean ASGI front and the FastAPI routes (for
the OpenAPI description) answer through :meth:`RecordServer.answer`.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from lod.errors import NotFound, StoreUnavailable
from lod.store.backend import Store
from lod.store.changes import ChangeLog
from lod.store.queries import RELATIONS, Item, related
from lod.uris import KINDS, Uris, is_slug
from lod.web.caching import CACHE_CONTROL, http_date, is_not_modified
from lod.web.conneg import FORMATS, HTML, JSONLD, PROFILE_IRIS, Choice, by_name, negotiate
from lod.web.links import PAGE_SIZE, collection_iri, page_count, paged
from lod.web.representations import Representation, Representations

READ_METHODS = ("GET", "HEAD")
ALLOW = "GET, HEAD, OPTIONS"
_LIST_FORMATS = (JSONLD, HTML)
TYPES = {
    "document": "LinguisticObject",
    "person": "Person",
    "group": "Group",
    "place": "Place",
    "event": "Activity",
    "concept": "Type",
    "annotation": "Annotation",
}
MAX_PATH = 1024


@dataclass
class Answer:
    """A response: status, headers, body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def messages(self, head: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
        """The ASGI ``http.response.start`` and ``http.response.body`` messages (no body for HEAD)."""
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()]
        if self.status != 304 and "content-length" not in self.headers:
            headers.append((b"content-length", str(len(self.body)).encode()))
        start = {"type": "http.response.start", "status": self.status, "headers": headers}
        return start, {"type": "http.response.body", "body": b"" if head else self.body}


def error_body(status: int, detail: str) -> dict[str, dict[str, object]]:
    """The one JSON shape of every error."""
    return {"error": {"status": status, "title": HTTPStatus(status).phrase, "detail": detail}}


def wants_html(headers: Mapping[str, str]) -> bool:
    choice = negotiate(headers.get("accept"), (JSONLD, HTML))
    return choice is not None and choice.format is HTML and "text/html" in headers.get("accept", "")


class RecordServer:
    """Answers requests for records, lists and relations from the served store."""

    def __init__(self, store: Store, uris: Uris) -> None:
        self.store = store
        self.uris = uris
        self.representations = Representations(store, uris)
        self._negotiated: dict[str, Choice | None] = {}
        self._logs: dict[str, ChangeLog] = {}

    def log(self) -> ChangeLog:
        """The change log of the served build (what was created, changed, deleted and merged)."""
        build = self.store.build
        if build.id not in self._logs:
            self._logs = {build.id: ChangeLog(build.path)}
        return self._logs[build.id]

    def reply(
        self,
        key: tuple[str, ...],
        make: Callable[[], bytes],
        content_type: str,
        headers: Mapping[str, str],
        vary: bool = False,
        link: str | None = None,
    ) -> Answer:
        """A response made once per build by ``make`` and kept, with its ETag, Last-Modified and 304s."""
        build = self.store.build
        representation = self.representations.other((build.id, *key), make, content_type)
        return self._send(representation, build.modified, headers, {"link": link} if link else {}, vary=vary)

    def error(
        self, headers: Mapping[str, str], status: int, detail: str, extra: dict[str, str] | None = None
    ) -> Answer:
        """An error in the client's format: an HTML page for browsers, JSON otherwise."""
        common = {"access-control-allow-origin": "*", **(extra or {})}
        if wants_html(headers):
            body = self.representations.pages.error(status, HTTPStatus(status).phrase, detail)
            return Answer(status, {**common, "content-type": HTML.content_type}, body)
        body = json.dumps(error_body(status, detail)).encode()
        return Answer(status, {**common, "content-type": "application/json"}, body)

    def cached_answer(self, method: str, path: str, query: str, headers: Mapping[str, str]) -> Answer | None:
        """The response if it needs no rendering (cached, a redirect or an error), else None."""
        try:
            return self.answer(method, path, query, headers, render=False)
        except _Miss:
            return None

    def answer(self, method: str, path: str, query: str, headers: Mapping[str, str], render: bool = True) -> Answer:
        """The response to a request whose path starts with ``/id/`` or ``/data/``."""
        if method == "OPTIONS":
            return Answer(
                204,
                {
                    "allow": ALLOW,
                    "access-control-allow-origin": "*",
                    "access-control-allow-methods": ALLOW,
                    "access-control-allow-headers": "Accept, If-None-Match, If-Modified-Since",
                    "access-control-max-age": "86400",
                },
            )
        if method not in READ_METHODS:
            return self.error(
                headers, 405, f"{method} is not allowed here; this is a read-only service", {"allow": ALLOW}
            )
        if len(path) > MAX_PATH or "\x00" in path or "%" in path:
            return self.error(headers, 404, "no such record: the path is not a record IRI")
        try:
            answer = self._route(path, urllib.parse.parse_qs(query, keep_blank_values=True), headers, render)
        except NotFound as err:
            return self._not_found(path, headers, str(err))
        except StoreUnavailable as err:
            return self.error(headers, 503, str(err), {"retry-after": "30"})
        except _BadRequest as err:
            return self.error(headers, 400, str(err))
        except _NotAcceptable as err:
            return self.error(headers, 406, str(err))
        if method == "HEAD":
            answer.headers["content-length"] = str(len(answer.body))
            answer.body = b""
        return answer

    def _not_found(self, path: str, headers: Mapping[str, str], detail: str) -> Answer:
        """404, unless the record was deleted (410) or merged into another (301 to the survivor)."""
        parts = path.strip("/").split("/")
        if len(parts) not in (3, 4) or parts[0] not in ("id", "data") or parts[1] not in KINDS:
            return self.error(headers, 404, detail)
        kind, (slug, _, extension) = parts[1], parts[2].partition(".")
        if not is_slug(slug):
            return self.error(headers, 404, detail)
        tombstone = self.log().gone(self.uris.thing(kind, slug))
        if tombstone is None:
            return self.error(headers, 404, detail)
        if tombstone.target is None:
            return self.error(headers, 410, f"the {kind} record {slug!r} was deleted ({tombstone.since})")
        found = self.uris.record_of(tombstone.target)
        assert found is not None
        if parts[0] == "id":
            location = self.uris.thing(*found)
        else:
            location = self.uris.data(*found, extension or None) + (f"/{parts[3]}" if len(parts) == 4 else "")
        return Answer(301, {"location": location, "access-control-allow-origin": "*", "cache-control": CACHE_CONTROL})

    def _route(self, path: str, query: dict[str, list[str]], headers: Mapping[str, str], render: bool) -> Answer:
        if not render and not path.startswith("/data/"):
            raise _Miss
        parts = path.strip("/").split("/")
        if path in ("/id/", "/data/"):  # the URI space itself: the landing page lists its kinds
            return Answer(303, {"location": self.uris.base, "access-control-allow-origin": "*", "vary": "Accept"})
        if len(parts) == 2 and parts[0] == "id" and path.endswith("/"):
            return self._list(_kind(parts[1]), query, headers)
        if len(parts) == 3 and parts[0] == "id":
            kind, slug = _kind(parts[1]), _slug(parts[2], parts[1])
            if not self.store.has_graph(self.uris.data(kind, slug)):
                raise NotFound(f"no {kind} record {slug!r}")
            return Answer(
                303,
                {
                    "location": self.uris.data(kind, slug),
                    "vary": "Accept",
                    "access-control-allow-origin": "*",
                    "cache-control": CACHE_CONTROL,
                },
            )
        if len(parts) == 3 and parts[0] == "data":
            return self._record(_kind(parts[1]), parts[2], query, headers, render)
        if len(parts) == 4 and parts[0] == "data":
            if not render:
                raise _Miss
            return self._relation(_kind(parts[1]), _slug(parts[2], parts[1]), parts[3], query, headers)
        raise NotFound("no such record: record IRIs look like /id/{kind}/{slug}")

    def _choose(self, extension: str, query: dict[str, list[str]], headers: Mapping[str, str]) -> Choice:
        profile = _param(query, "profile")
        if profile is not None and profile not in PROFILE_IRIS:
            raise _BadRequest(f"unknown profile {profile!r}; try {', '.join(PROFILE_IRIS)}")
        named = extension or (_param(query, "format") or "")
        if named:
            fmt = by_name(named, FORMATS)
            if fmt is None:
                if extension:
                    raise NotFound(f"no representation {extension!r}; try {', '.join(f.name for f in FORMATS)}")
                raise _BadRequest(f"unknown format {named!r}; try {', '.join(f.name for f in FORMATS)}")
            return Choice(fmt, (profile or "linked-art") if fmt is JSONLD else None)
        accept = headers.get("accept", "")
        if accept not in self._negotiated:
            if len(self._negotiated) > 1000:
                self._negotiated.clear()
            self._negotiated[accept] = negotiate(accept, FORMATS)
        choice = self._negotiated[accept]
        if choice is None:
            raise _NotAcceptable(
                f"none of the accepted types is available; available: {', '.join(f.media_type for f in FORMATS)}"
            )
        if profile and choice.format is JSONLD:
            return Choice(JSONLD, profile)
        return choice

    def _record(
        self, kind: str, name: str, query: dict[str, list[str]], headers: Mapping[str, str], render: bool
    ) -> Answer:
        slug, dot, extension = name.partition(".")
        if dot and not extension:
            raise NotFound(f"no {kind} record {name!r}")
        slug = _slug(slug, kind)
        choice = self._choose(extension, query, headers)
        build = self.store.build
        key = (build.id, kind, slug, choice.format.name, choice.profile or "")
        representation = self.representations.cached(key)
        if representation is None:
            if not render:
                raise _Miss
            representation = self.representations.get(build.id, kind, slug, choice)
        fixed = extension or (_param(query, "format") or "")
        location = self.uris.data(kind, slug, choice.format.name)
        links = [f'<{self.uris.data(kind, slug, f.name)}>; rel="alternate"; type="{f.media_type}"' for f in FORMATS]
        if choice.format is HTML:
            links.append(f'<{self.uris.data(kind, slug, "jsonld")}>; rel="describedby"; type="application/ld+json"')
        if choice.format is JSONLD and choice.profile:
            links.append(f'<{PROFILE_IRIS[choice.profile]}>; rel="profile"')
        extra = {"link": ", ".join(links)}
        if not fixed:
            extra["content-location"] = location
        return self._send(representation, build.modified, headers, extra, vary=not fixed)

    def _send(
        self,
        representation: Representation,
        modified: float,
        headers: Mapping[str, str],
        extra: dict[str, str],
        vary: bool = True,
    ) -> Answer:
        gzipped = representation.gzipped is not None and "gzip" in headers.get("accept-encoding", "")
        etag = representation.gzip_etag if gzipped and representation.gzip_etag else representation.etag
        out = {
            "etag": etag,
            "last-modified": http_date(modified),
            "cache-control": CACHE_CONTROL,
            "access-control-allow-origin": "*",
            "access-control-expose-headers": "ETag, Link, Content-Location",
            "vary": "Accept, Accept-Encoding" if vary else "Accept-Encoding",
            **extra,
        }
        if is_not_modified(headers, etag, modified):
            return Answer(304, out)
        out["content-type"] = representation.content_type
        if gzipped and representation.gzipped is not None:
            out["content-encoding"] = "gzip"
            return Answer(200, out, representation.gzipped)
        return Answer(200, out, representation.body)

    def _page(self, query: dict[str, list[str]], pages: int) -> int | None:
        value = _param(query, "page")
        if value is None:
            return None
        if not value.isdigit() or not 1 <= int(value) <= pages:
            raise _BadRequest(f"parameter 'page' must be a number from 1 to {pages}, got {value[:40]!r}")
        return int(value)

    def _list(self, kind: str, query: dict[str, list[str]], headers: Mapping[str, str]) -> Answer:
        build = self.store.build
        total = build.count(kind)
        pages = page_count(total)
        page = self._page(query, pages) or 1
        choice = negotiate(headers.get("accept"), _LIST_FORMATS) or Choice(JSONLD)
        if _param(query, "format") or "":
            fmt = by_name(query["format"][0], _LIST_FORMATS)
            if fmt is None:
                raise _BadRequest(f"unknown format {query['format'][0]!r} for a list; try jsonld, html")
            choice = Choice(fmt)
        key = (build.id, "list", kind, str(page), choice.format.name)
        base = f"{self.uris.base}id/{kind}/"

        def make() -> bytes:
            window = build.rows(kind, (page - 1) * PAGE_SIZE, page * PAGE_SIZE)
            if choice.format is HTML:
                return self.representations.pages.listing(kind, window, page, pages, total)
            items = [Item(self.uris.thing(kind, slug), TYPES[kind], label) for slug, label in window]
            listing = paged(base, items, total, page, f"{kind} records")
            return json.dumps(listing, ensure_ascii=False, indent=2).encode()

        content_type = HTML.content_type if choice.format is HTML else JSONLD.content_type
        return self._send(self.representations.other(key, make, content_type), build.modified, headers, {})

    def _relation(
        self, kind: str, slug: str, relation: str, query: dict[str, list[str]], headers: Mapping[str, str]
    ) -> Answer:
        if relation not in RELATIONS or kind not in RELATIONS[relation][0]:
            known = ", ".join(r for r, v in RELATIONS.items() if kind in v[0])
            raise NotFound(f"no relation {relation!r} for a {kind}; try {known}")
        if not self.store.has_graph(self.uris.data(kind, slug)):
            raise NotFound(f"no {kind} record {slug!r}")
        build = self.store.build
        store, _ = self.store.current()
        items = related(store, relation, self.uris.thing(kind, slug))
        page = self._page(query, page_count(len(items)))
        key = (build.id, "relation", kind, slug, relation, str(page))
        iri = collection_iri(self.uris, kind, slug, relation)

        def make() -> bytes:
            window = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE] if page else []
            listing = paged(iri, window, len(items), page, RELATIONS[relation][2])
            return json.dumps(listing, ensure_ascii=False, indent=2).encode()

        return self._send(self.representations.other(key, make, JSONLD.content_type), build.modified, headers, {})


class _BadRequest(Exception):
    pass


class _Miss(Exception):
    """The answer needs rendering or a store query: not for the event loop."""


class _NotAcceptable(Exception):
    pass


def _param(query: dict[str, list[str]], name: str) -> str | None:
    """The first value of a query parameter, if given."""
    values = query.get(name)
    return values[0] if values else None


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(f"unknown kind {kind[:40]!r}; kinds are {', '.join(KINDS)}")
    return kind


def _slug(slug: str, kind: str) -> str:
    if not is_slug(slug) or re.search(r"\.\.", slug):
        raise NotFound(f"no {kind} record {slug[:60]!r}")
    return slug
