"""Record representations, rendered once per build, format and profile, then served from memory.

Every RDF variant carries exactly the triples of the record's named graph; the JSON-LD (any
profile) expands to that same graph, its HAL ``_links`` being outside the JSON-LD context.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

import pyoxigraph as ox

from lod.errors import NotFound
from lod.model.jsonld import Triple, expanded_tree, record_jsonld
from lod.model.terms import plain, record_triples
from lod.store.backend import Store
from lod.store.queries import relation_counts
from lod.uris import Uris
from lod.vocab import PREFIXES
from lod.web.conneg import HTML, JSONLD, NQUADS, NTRIPLES, RDFXML, TURTLE, Choice, Format
from lod.web.diskcache import DiskCache, Representation
from lod.web.links import hal_links
from lod.web.pages import Pages

_OXIGRAPH = {
    TURTLE.name: ox.RdfFormat.TURTLE,
    NTRIPLES.name: ox.RdfFormat.N_TRIPLES,
    RDFXML.name: ox.RdfFormat.RDF_XML,
    NQUADS.name: ox.RdfFormat.N_QUADS,
}


class Representations:
    """Renders records and keeps the most recent representations, within a memory budget."""

    def __init__(self, store: Store, uris: Uris, budget: int = 256 * 1024 * 1024) -> None:
        self.store = store
        self.uris = uris
        self.pages = Pages(store, uris)
        self.budget = budget
        self._used = 0
        self._cache: OrderedDict[tuple[str, ...], Representation] = OrderedDict()
        self._lock = threading.Lock()
        self._disk_cache: tuple[str, DiskCache] | None = None

    def cached(self, key: tuple[str, ...]) -> Representation | None:
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    def keep(self, key: tuple[str, ...], representation: Representation) -> Representation:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = representation
                self._used += representation.size
            while self._used > self.budget and len(self._cache) > 1:
                _, dropped = self._cache.popitem(last=False)
                self._used -= dropped.size
        return representation

    def get(self, build: str, kind: str, slug: str, choice: Choice) -> Representation:
        """The record in this format and profile, or :class:`NotFound`: from memory, from the
        build's disk cache, or rendered (and then kept in both)."""
        key = (build, kind, slug, choice.format.name, choice.profile or "")
        found = self.cached(key)
        if found is not None:
            return found
        disk = self._disk(build)
        name = "/".join(key[1:])
        stored = disk.get(name) if disk else None
        if stored is not None:
            return self.keep(key, stored)
        made = self.render(kind, slug, choice)
        if disk:
            disk.put(name, made)
        return self.keep(key, made)

    def _disk(self, build: str) -> DiskCache | None:
        if self._disk_cache is None or self._disk_cache[0] != build:
            current = self.store.build
            if current.id != build:
                return None
            self._disk_cache = (build, DiskCache(current.path / "representations.sqlite"))
        return self._disk_cache[1]

    def render(self, kind: str, slug: str, choice: Choice) -> Representation:
        graph = self.uris.data(kind, slug)
        quads = self.store.graph_quads(graph)
        if not quads:
            raise NotFound(f"no {kind} record {slug!r}")
        triples = record_triples(quads, self.uris.thing(kind, slug))
        fmt = choice.format
        if fmt is JSONLD:
            document = self._jsonld(kind, slug, triples, choice.profile or "linked-art")
            return Representation.of(json.dumps(document, ensure_ascii=False, indent=2).encode(), fmt.content_type)
        if fmt is HTML:
            document = self._jsonld(kind, slug, triples, "linked-art")
            return Representation.of(self.pages.record(kind, slug, triples, document), fmt.content_type)
        if fmt is NQUADS:
            name = ox.NamedNode(graph)
            body = ox.serialize(
                [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples], format=_OXIGRAPH[fmt.name]
            )
            return Representation.of(body or b"", fmt.content_type)
        prefixes = PREFIXES if fmt is TURTLE else None
        return Representation.of(
            ox.serialize(triples, format=_OXIGRAPH[fmt.name], prefixes=prefixes) or b"", fmt.content_type
        )

    def _jsonld(self, kind: str, slug: str, triples: list[ox.Triple], profile: str) -> Any:
        terms: list[Triple] = [(plain(t.subject), plain(t.predicate), plain(t.object)) for t in triples]
        root = self.uris.thing(kind, slug)
        document: Any
        if profile == "expanded":
            document = [expanded_tree(terms, root)]
        else:
            document = record_jsonld(terms, root, self.uris)
            if profile == "linked-art":
                store, _ = self.store.current()
                document["_links"] = hal_links(self.uris, kind, slug, relation_counts(store, kind, root))
        return document

    def other(self, key: tuple[str, ...], make: Any, content_type: str) -> Representation:
        """Any other cached response of this build (lists, collections), made once."""
        return self.cached(key) or self.keep(key, Representation.of(make(), content_type))


__all__ = ["Format", "Representation", "Representations"]
