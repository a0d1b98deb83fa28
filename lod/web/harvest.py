"""What harvesters read: the dataset description, the dumps, the change feed, the sitemap, robots.txt.

- ``/void`` and ``/.well-known/void``: VoID and DCAT (:mod:`lod.web.dataset`), negotiated like
  records (JSON-LD, Turtle, N-Triples, RDF/XML, HTML);
- ``/dumps/``: the build's dumps, listed (JSON or HTML) and served from disk in chunks, with
  ``Content-Length``, a strong ``ETag`` (the file's SHA-256), ``Range`` and ``304``;
- ``/changes`` and ``/changes/{kind}``: IIIF Change Discovery 1.0 (Level 2) over the build's
  change log (:mod:`lod.store.changes`), pages of :data:`PAGE_SIZE` activities, oldest first;
- ``/sitemap.xml`` (an index of sitemaps of at most 50,000 HTML record pages) and ``/robots.txt``.
"""

from __future__ import annotations

import json
import math
import xml.sax.saxutils
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from lod.errors import NotFound
from lod.settings import Settings
from lod.store.changes import Activity
from lod.store.dumps import FOLDER, Dump, read_dumps
from lod.store.embedded import Build
from lod.uris import KINDS, Uris
from lod.web.conneg import HTML, JSONLD, NTRIPLES, RDFXML, TURTLE, Choice, by_name, negotiate
from lod.web.dataset import DESCRIPTION_PREFIXES, description, description_jsonld
from lod.web.records import TYPES, Answer, RecordServer

DISCOVERY_CONTEXT = "http://iiif.io/api/discovery/1/context.json"
FEED_TYPE = 'application/ld+json;profile="https://www.w3.org/ns/activitystreams"'
PAGE_SIZE = 500
SITEMAP_SIZE = 50_000
SITEMAP_KINDS = ("document", "person", "group", "place", "event", "concept")  # mentions are not pages to find
DESCRIPTION_FORMATS = (JSONLD, TURTLE, HTML, NTRIPLES, RDFXML)
_RDF = {TURTLE.name: ox.RdfFormat.TURTLE, NTRIPLES.name: ox.RdfFormat.N_TRIPLES, RDFXML.name: ox.RdfFormat.RDF_XML}


class BadRequest(Exception):
    """A parameter the client got wrong (400)."""


class NotAcceptable(Exception):
    """No format the client accepts (406)."""


class Harvest:
    """Answers the harvesting endpoints from the served build."""

    def __init__(self, settings: Settings, records: RecordServer) -> None:
        self.settings = settings
        self.records = records
        self.uris = Uris(settings.base)

    # The dataset description

    def description(self, query: Mapping[str, list[str]], headers: Mapping[str, str]) -> Answer:
        named = (query.get("format") or [""])[0]
        if named:
            fmt = by_name(named, DESCRIPTION_FORMATS)
            if fmt is None:
                raise BadRequest(f"unknown format {named!r}; try {', '.join(f.name for f in DESCRIPTION_FORMATS)}")
            choice: Choice | None = Choice(fmt)
        else:
            choice = negotiate(headers.get("accept"), DESCRIPTION_FORMATS)
        if choice is None:
            raise NotAcceptable("the description comes as " + ", ".join(f.media_type for f in DESCRIPTION_FORMATS))
        fmt = choice.format
        build = self.records.store.build

        def make() -> bytes:
            triples = description(self.settings, build)
            if fmt is JSONLD:
                return json.dumps(description_jsonld(triples), ensure_ascii=False, indent=2).encode()
            if fmt is HTML:
                return self.records.representations.pages.render(
                    "void.html", label="The dataset", meta=build.meta, settings=self.settings,
                    dumps=[(d, self.uris.dump(d.name)) for d in read_dumps(build.meta)],
                    schema_org=self.schema_org(),
                )  # fmt: skip
            prefixes = DESCRIPTION_PREFIXES if fmt is TURTLE else None
            return ox.serialize(triples, format=_RDF[fmt.name], prefixes=prefixes) or b""

        link = ", ".join(
            f'<{self.uris.void()}?format={f.name}>; rel="alternate"; type="{f.media_type}"' for f in DESCRIPTION_FORMATS
        )
        return self.records.reply(("void", fmt.name), make, fmt.content_type, headers, vary=True, link=link)

    def schema_org(self) -> dict[str, Any]:
        """The schema.org ``Dataset`` of the landing page and the description page, for search engines."""
        build = self.records.store.build
        out: dict[str, Any] = {
            "@context": "https://schema.org/",
            "@type": "Dataset",
            "@id": self.uris.base + "void#dataset",
            "name": self.settings.title,
            "description": self.settings.description,
            "url": self.uris.base,
            "license": self.settings.data_license,
            "dateModified": build.meta.get("created"),
            "publisher": {"@type": "Organization", "name": self.settings.publisher},
            "distribution": [self._download(d) for d in read_dumps(build.meta)],
        }
        if self.settings.publisher_url:
            out["publisher"]["url"] = self.settings.publisher_url
        return out

    def _download(self, dump: Dump) -> dict[str, str]:
        return {
            "@type": "DataDownload",
            "contentUrl": self.uris.dump(dump.name),
            "encodingFormat": dump.media_type,
            "contentSize": f"{dump.bytes} B",
            "name": dump.title,
        }

    # Dumps

    def dumps(self, headers: Mapping[str, str]) -> Answer:
        """The list of dumps, in JSON (or HTML for browsers)."""
        build = self.records.store.build
        items = [(d, self.uris.dump(d.name)) for d in read_dumps(build.meta)]
        if (choice := negotiate(headers.get("accept"), (JSONLD, HTML))) is not None and choice.format is HTML:
            page = self.records.representations.pages.render("dumps.html", label="Dumps", dumps=items)
            return self.records.reply(("dumps", "html"), lambda: page, HTML.content_type, headers, vary=True)
        listing = {
            "id": self.uris.dump(),
            "build": build.id,
            "description": self.uris.void(),
            "dumps": [{"id": url, **dump.as_dict()} for dump, url in items],
        }
        body = json.dumps(listing, indent=2).encode()
        return self.records.reply(("dumps", "json"), lambda: body, "application/json", headers, vary=True)

    def dump(self, name: str) -> tuple[Path, Dump]:
        """The file of one dump and its description, or :class:`NotFound`."""
        build = self.records.store.build
        for dump in read_dumps(build.meta):
            if dump.name == name:
                return build.path / FOLDER / dump.name, dump
        raise NotFound(f"no dump {name[:60]!r}; the dumps are listed at {self.uris.dump()}")

    # The change feed

    def feed(self, kind: str | None, query: Mapping[str, list[str]], headers: Mapping[str, str]) -> Answer:
        if kind is not None and kind not in KINDS:
            raise NotFound(f"no change feed for {kind[:40]!r}; kinds are {', '.join(KINDS)}")
        log = self.records.log()
        total = log.total(kind)
        pages = max(1, math.ceil(total / PAGE_SIZE))
        values = query.get("page")
        value = values[0] if values else None
        if value is not None and (not value.isdigit() or not 1 <= int(value) <= pages):
            raise BadRequest(f"parameter 'page' must be a number from 1 to {pages}, got {value[:40]!r}")
        page = int(value) if value is not None else None

        def make() -> bytes:
            if page is None:
                document = self._collection(kind, total, pages)
            else:
                document = self._page(kind, page, pages, log.activities((page - 1) * PAGE_SIZE, PAGE_SIZE, kind))
            return json.dumps(document, ensure_ascii=False, indent=2).encode()

        return self.records.reply(("changes", kind or "", str(page or 0)), make, FEED_TYPE, headers)

    def _collection(self, kind: str | None, total: int, pages: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "@context": DISCOVERY_CONTEXT,
            "id": self.uris.changes(kind),
            "type": "OrderedCollection",
            "totalItems": total,
            "rights": self.settings.data_license,
            "seeAlso": [
                {
                    "id": self.uris.void(),
                    "type": "Dataset",
                    "label": {"en": ["VoID and DCAT description of the dataset"]},
                    "format": "application/ld+json",
                    "profile": "http://www.w3.org/ns/dcat#",
                }
            ],
            "first": {"id": self.uris.changes(kind, 1), "type": "OrderedCollectionPage"},
            "last": {"id": self.uris.changes(kind, pages), "type": "OrderedCollectionPage"},
        }
        if kind is not None:
            out["partOf"] = [{"id": self.uris.changes(), "type": "OrderedCollection"}]
        return out

    def _page(self, kind: str | None, page: int, pages: int, activities: list[Activity]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "@context": DISCOVERY_CONTEXT,
            "id": self.uris.changes(kind, page),
            "type": "OrderedCollectionPage",
            "partOf": {"id": self.uris.changes(kind), "type": "OrderedCollection"},
            "startIndex": (page - 1) * PAGE_SIZE,
        }
        if page > 1:
            out["prev"] = {"id": self.uris.changes(kind, page - 1), "type": "OrderedCollectionPage"}
        if page < pages:
            out["next"] = {"id": self.uris.changes(kind, page + 1), "type": "OrderedCollectionPage"}
        out["orderedItems"] = [self._activity(a) for a in activities]
        return out

    def _activity(self, activity: Activity) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": activity.type,
            "object": {"id": activity.object, "type": TYPES[activity.kind]},
            "endTime": activity.end_time,
        }
        if activity.target is not None:
            out["target"] = {"id": activity.target, "type": TYPES[activity.kind]}
        return out

    # Search engines

    def sitemap(self, number: int | None, headers: Mapping[str, str]) -> Answer:
        """The sitemap index (``number`` None) or one sitemap of HTML record pages."""
        build = self.records.store.build
        counts = {kind: build.count(kind) for kind in SITEMAP_KINDS}
        count = max(1, math.ceil(sum(counts.values()) / SITEMAP_SIZE))
        if number is not None and not 1 <= number <= count:
            raise NotFound(f"no sitemap {number}; there are {count}")
        day = str(build.meta.get("created", ""))[:10]

        def make() -> bytes:
            if number is None:
                entries = "".join(
                    f"<sitemap><loc>{self.uris.base}sitemap-{n}.xml</loc><lastmod>{day}</lastmod></sitemap>"
                    for n in range(1, count + 1)
                )
                body = f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
            else:
                window = sitemap_pages(build, self.uris, counts, (number - 1) * SITEMAP_SIZE, number * SITEMAP_SIZE)
                entries = "".join(
                    f"<url><loc>{xml.sax.saxutils.escape(url)}</loc><lastmod>{day}</lastmod></url>" for url in window
                )
                body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
            return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode()

        return self.records.reply(("sitemap", str(number or 0)), make, "application/xml; charset=utf-8", headers)

    def robots(self) -> bytes:
        """Crawl everything but the SPARQL endpoint; the sitemap lists the pages."""
        return f"User-agent: *\nDisallow: /sparql\nAllow: /\nSitemap: {self.uris.base}sitemap.xml\n".encode()


def sitemap_pages(build: Build, uris: Uris, counts: dict[str, int], start: int, stop: int) -> list[str]:
    """The HTML pages from ``start`` to ``stop`` of all records, kind after kind, reading only those."""
    pages: list[str] = []
    offset = 0
    for kind, total in counts.items():
        low, high = max(start - offset, 0), min(stop - offset, total)
        if low < high:
            pages += [uris.data(kind, slug, "html") for slug, _ in build.rows(kind, low, high)]
        offset += total
    return pages
