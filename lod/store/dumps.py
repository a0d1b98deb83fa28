"""The dumps of a build, written next to its store: the whole dataset three ways, gzipped, with checksums.

- ``lod.nq.gz``: N-Quads, one named graph per record (the default graph is their merge, so it
  is left out: load the file and query with the union of the graphs as the default graph);
- ``lod.ttl.gz``: Turtle of the merged default graph, what SPARQL queries see;
- ``lod.jsonl.gz``: JSON Lines, one record per line in its Linked Art JSON-LD (as served, without
  the HAL ``_links``).

Records come in IRI order, so the same data gives the same files. Sizes and SHA-256 checksums go
into the build's record and the dataset description.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, cast

import pyoxigraph as ox

from lod.model.jsonld import record_jsonld
from lod.model.terms import plain, record_triples
from lod.uris import Uris
from lod.vocab import PREFIXES

FOLDER = "dumps"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Dump:
    """One dump file: its name, what it holds, its size and checksum."""

    name: str
    media_type: str
    title: str
    bytes: int
    sha256: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> Dump:
        return cls(**{k: data[k] for k in ("name", "media_type", "title", "bytes", "sha256")})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def write_dumps(store: ox.Store, folder: Path, uris: Uris, progress: Callable[[str], None]) -> list[Dump]:
    """Write the three dumps of ``store`` into ``folder`` and describe them."""
    folder.mkdir(exist_ok=True)
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    written = []
    progress(f"writing the N-Quads dump ({len(graphs)} record graphs)")
    with _gzip(folder / "lod.nq.gz") as output:
        for name in graphs:
            quads = store.quads_for_pattern(None, None, None, ox.NamedNode(name))
            output.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    written.append(_described(folder / "lod.nq.gz", "application/n-quads", "every record, one named graph each"))
    progress("writing the Turtle dump (the merged default graph)")
    with _gzip(folder / "lod.ttl.gz") as output:
        writer = cast(IO[bytes], output)  # a GzipFile is a binary file
        store.dump(writer, format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=PREFIXES)
    written.append(_described(folder / "lod.ttl.gz", "text/turtle", "the merged default graph"))
    progress("writing the JSON Lines dump (Linked Art JSON-LD)")
    with _gzip(folder / "lod.jsonl.gz") as output:
        for name in graphs:
            output.write(_line(store, name, uris))
    written.append(_described(folder / "lod.jsonl.gz", "application/jsonl", "every record as Linked Art JSON-LD"))
    return written


def _line(store: ox.Store, graph: str, uris: Uris) -> bytes:
    kind, slug = uris.record_of(graph) or ("", "")
    root = uris.thing(kind, slug)
    triples = record_triples(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)), root)
    document = record_jsonld([(plain(t.subject), plain(t.predicate), plain(t.object)) for t in triples], root, uris)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _gzip(path: Path) -> gzip.GzipFile:
    return gzip.GzipFile(path, "wb", compresslevel=6, mtime=0)


def _described(path: Path, media_type: str, title: str) -> Dump:
    checksum = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            checksum.update(chunk)
    return Dump(path.name, media_type, title, path.stat().st_size, checksum.hexdigest())


def read_dumps(meta: dict[str, Any]) -> list[Dump]:
    """The dumps a build recorded (none for builds made before dumps existed)."""
    return [Dump.of(item) for item in meta.get("dumps", [])]
