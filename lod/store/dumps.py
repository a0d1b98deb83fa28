"""The dumps of a build, written next to its store: the whole dataset three ways, gzipped, with checksums.

- ``lod.nq.gz``: N-Quads, one named graph per record (the default graph is their merge, so it
  is left out: load the file and query with the union of the graphs as the default graph);
- ``lod.ttl.gz``: Turtle of the merged default graph, what SPARQL queries see;
- ``lod.jsonl.gz``: JSON Lines, one record per line in its Linked Art JSON-LD (as served, without
  the HAL ``_links``).

Records come file by file (the order of ``triples/``), each file's records in IRI order, so the
same data gives the same files; each file's records are one gzip member of each dump (a gzip file
may hold many; every gzip reader reads them as one stream), so a build reuses the members of
unchanged files. The Turtle dump declares its prefixes once, at the start. Sizes and SHA-256 checksums go
into the build's record and the dataset description.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from lod.errors import LodError
from lod.model.jsonld import record_jsonld
from lod.model.terms import plain
from lod.uris import Uris
from lod.vocab import ONTOLOGY_DIR, PREFIXES

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


#: A group's members of the three dumps: N-Quads, Turtle, JSON Lines, each one gzip member.
Members = tuple[bytes, bytes, bytes]


def write_dumps(folder: Path, groups: list[Group], cache: MemberCache, progress: Callable[[str], None]) -> list[Dump]:
    """Write the three dumps into ``folder`` from the members of ``groups`` in ``cache``, and describe them."""
    folder.mkdir(exist_ok=True)
    with (
        (folder / "lod.nq.gz").open("wb") as nq,
        (folder / "lod.ttl.gz").open("wb") as ttl,
        (folder / "lod.jsonl.gz").open("wb") as jsonl,
    ):
        ttl.write(gzip.compress(_prefixes(), mtime=0))
        for group in groups:
            found = cache.get(group.key)
            if found is None:
                raise LodError(f"the dump members of {group.first} are missing from {cache.path}")
            for output, member in zip((nq, ttl, jsonl), found, strict=True):
                output.write(member)
    cache.keep_only({group.key for group in groups})
    progress(f"dumps written: {len(groups)} files")
    return [
        _described(folder / "lod.nq.gz", "application/n-quads", "every record, one named graph each"),
        _described(folder / "lod.ttl.gz", "text/turtle", "the merged default graph"),
        _described(folder / "lod.jsonl.gz", "application/jsonl", "every record as Linked Art JSON-LD"),
    ]


@dataclass(frozen=True)
class Group:
    """Records dumped together (the first graph's name) and the key of their dump members."""

    key: str
    first: str


def group(graphs: list[str], digests: list[str]) -> Group:
    """The group of these record graphs with these digests: its key changes when any of them does."""
    key = hashlib.sha256("\n".join([_CODE, *graphs, *digests]).encode()).hexdigest()
    return Group(key, graphs[0])


def members(graphs: list[tuple[str, list[ox.Quad]]], nquads: bytes, uris: Uris) -> Members:
    """The N-Quads (``nquads``, already written), Turtle and JSON Lines of some record graphs, each
    compressed as one gzip member."""
    quads = [q for _, found in graphs for q in found]
    turtle = ox.serialize([q.triple for q in quads], format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
    body = b"".join(line for line in turtle.splitlines(keepends=True) if not line.startswith(b"@prefix"))
    lines = b"".join(_line(found, name, uris) for name, found in graphs)
    return (_compress(nquads), _compress(body), _compress(lines))


def _compress(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def _prefixes() -> bytes:
    """The Turtle dump starts with every prefix; its members then leave theirs out."""
    return "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items()).encode()


def _line(quads: list[ox.Quad], graph: str, uris: Uris) -> bytes:
    kind, slug = uris.record_of(graph) or ("", "")
    root = uris.thing(kind, slug)
    triples = {(plain(q.subject), plain(q.predicate), plain(q.object)) for q in quads}  # the writer orders them
    document = record_jsonld(triples, root, uris)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


class MemberCache:
    """Dump members by key, in ``var/cache/dumps.sqlite``, shared by the builds of a ``var/`` directory."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS member (key TEXT PRIMARY KEY, nq BLOB, ttl BLOB, jsonl BLOB)")

    def __contains__(self, key: object) -> bool:
        return self.db.execute("SELECT 1 FROM member WHERE key = ?", (key,)).fetchone() is not None

    def get(self, key: str) -> Members | None:
        row = self.db.execute("SELECT nq, ttl, jsonl FROM member WHERE key = ?", (key,)).fetchone()
        return (row[0], row[1], row[2]) if row else None

    def put(self, key: str, members: Members) -> None:
        self.db.execute("INSERT OR REPLACE INTO member VALUES (?, ?, ?, ?)", (key, *members))

    def keep_only(self, keys: set[str]) -> None:
        """Forget every member no group of this build has."""
        self.db.execute("CREATE TEMP TABLE kept (key TEXT PRIMARY KEY)")
        self.db.executemany("INSERT OR IGNORE INTO kept VALUES (?)", ((k,) for k in keys))
        self.db.execute("DELETE FROM member WHERE key NOT IN (SELECT key FROM kept)")
        self.db.execute("DROP TABLE kept")
        self.db.commit()

    def close(self) -> None:
        self.db.close()


def _code() -> str:
    """A digest of the code and contexts that write the members, so that changing them makes them anew."""
    from lod.model import compact, jsonld, terms

    sources = [Path(__file__), Path(jsonld.__file__), Path(compact.__file__), Path(terms.__file__)]
    contexts = (jsonld.linked_art_context(), (ONTOLOGY_DIR / "lod.jsonld").read_text(encoding="utf-8"), PREFIXES)
    return hashlib.sha256(b"".join(p.read_bytes() for p in sources) + repr(contexts).encode()).hexdigest()


def _described(path: Path, media_type: str, title: str) -> Dump:
    checksum = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            checksum.update(chunk)
    return Dump(path.name, media_type, title, path.stat().st_size, checksum.hexdigest())


def read_dumps(meta: dict[str, Any]) -> list[Dump]:
    """The dumps a build recorded (none for builds made before dumps existed)."""
    return [Dump.of(item) for item in meta.get("dumps", [])]


_CODE = _code()
