"""Record representations, computed once per build and format and then served from memory."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

import pyoxigraph as ox

from lod.errors import NotFound
from lod.model.jsonld import Term, Triple, record_jsonld
from lod.store.embedded import EmbeddedStore
from lod.uris import Uris
from lod.vocab import PREFIXES
from lod.web.conneg import JSONLD, NTRIPLES, TURTLE, Format

_OXIGRAPH_FORMATS = {TURTLE.name: ox.RdfFormat.TURTLE, NTRIPLES.name: ox.RdfFormat.N_TRIPLES}


@dataclass(frozen=True)
class Representation:
    """Bytes of one record in one format, from one build."""

    body: bytes
    format: Format
    build: str


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Term:
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value, None, None)
    if isinstance(term, ox.BlankNode):
        return ("blank", term.value, None, None)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.datatype.value, term.language)
    raise TypeError("RDF-star triples are not published")


def _order(triple: ox.Triple, root: str) -> tuple[int, str]:
    """The record itself first, then its parts, then what it refers to."""
    subject = triple.subject.value if isinstance(triple.subject, ox.NamedNode) else ""
    rank = 0 if subject == root else 1 if subject.startswith(root + "#") else 2
    return rank, str(triple)


class Representations:
    """Serialises records from the store, keeping the most recent ones per build."""

    def __init__(self, store: EmbeddedStore, uris: Uris, size: int = 4096) -> None:
        self.store = store
        self.uris = uris
        self.size = size
        self._cache: OrderedDict[tuple[str, str, str, str], Representation] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, kind: str, slug: str, fmt: Format) -> Representation:
        """The record in this format, or :class:`NotFound`."""
        build = self.store.build.id
        key = (build, kind, slug, fmt.name)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        quads = self.store.graph_quads(self.uris.data(kind, slug))
        if not quads:
            raise NotFound(f"no {kind} record {slug!r}")
        representation = Representation(self._render(kind, slug, quads, fmt), fmt, build)
        with self._lock:
            self._cache[key] = representation
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return representation

    def _render(self, kind: str, slug: str, quads: list[ox.Quad], fmt: Format) -> bytes:
        root = self.uris.thing(kind, slug)
        triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=lambda t: _order(t, root))
        if fmt is JSONLD:
            plain: list[Triple] = [(_term(t.subject), _term(t.predicate), _term(t.object)) for t in triples]
            document = record_jsonld(plain, self.uris.thing(kind, slug), self.uris)
            return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        return ox.serialize(triples, format=_OXIGRAPH_FORMATS[fmt.name], prefixes=PREFIXES) or b""
