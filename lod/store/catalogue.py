"""The catalogue of a build: every record file with its SHA-256, and what the build needs of each record.

A build reads ``triples/`` through the catalogue of the build before it (``catalogue.sqlite`` in
each build directory): a file whose bytes have the same SHA-256 is not parsed again, its records'
entries are taken over. An entry holds what other records may say about the record (its classes
and label), the records it refers to, the digest of its own triples, and the digest of its whole
graph as the build made it (its own triples and the class and label of everything it refers to),
which is the digest the change feed compares.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from lod.errors import Violation
from lod.model.dataset import RawRecord, read_file, record_files
from lod.store.changes import digest
from lod.store.parallel import in_parallel
from lod.uris import Uris
from lod.vocab import RDF, RDFS

FILE = "catalogue.sqlite"
SCHEMA = """
CREATE TABLE file (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL);
CREATE TABLE record (
    iri TEXT PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL, slug TEXT NOT NULL,
    own TEXT NOT NULL, types TEXT NOT NULL, label TEXT, refs TEXT NOT NULL, digest TEXT NOT NULL
);
"""
_TYPE = ox.NamedNode(str(RDF.type))
_LABEL = ox.NamedNode(str(RDFS.label))


@dataclass(slots=True)
class Entry:
    """One record as the catalogue keeps it; ``digest`` is empty until the build has made its graph.

    A catalogue holds millions of these: they have slots, and their strings are shared (:class:`Shared`).
    """

    iri: str
    path: str
    kind: str
    own: str
    types: tuple[str, ...]
    label: str | None
    references: tuple[str, ...]  # sorted
    digest: str = ""

    @property
    def slug(self) -> str:
        return self.iri.rsplit("/", 1)[1]

    def main(self) -> tuple[tuple[str, ...], str | None]:
        """What other records say about this one."""
        return self.types, self.label


@dataclass
class Catalogue:
    """Record files (path relative to the data directory → SHA-256) and record entries by IRI."""

    files: dict[str, str] = field(default_factory=dict)
    entries: dict[str, Entry] = field(default_factory=dict)

    def by_file(self) -> dict[str, list[Entry]]:
        """The entries of each file, files in reading order and records in IRI order."""
        grouped: dict[str, list[Entry]] = {path: [] for path in self.files}
        for entry in self.entries.values():
            grouped[entry.path].append(entry)
        for entries in grouped.values():
            entries.sort(key=lambda e: e.iri)
        return grouped


@dataclass
class Reading:
    """What reading ``triples/`` through the previous catalogue gave."""

    catalogue: Catalogue
    parsed: set[str]  # the files read again (relative paths): new or changed
    problems: list[Violation]


def entry_of(record: RawRecord, path: str, uris: Uris) -> Entry:
    """The entry of a record just read."""
    me = uris.thing(record.kind, record.slug)
    types: list[str] = []
    label: str | None = None
    references = set()
    for t in record.triples:
        if isinstance(t.subject, ox.NamedNode) and t.subject.value == me:
            if t.predicate == _TYPE and isinstance(t.object, ox.NamedNode):
                types.append(t.object.value)
            elif t.predicate == _LABEL and isinstance(t.object, ox.Literal) and label is None:
                label = t.object.value
        if isinstance(t.object, ox.NamedNode):
            value = t.object.value
            if value.startswith(uris.base) and value != me and not value.startswith(me + "#"):
                references.add(value)
    own = digest(record.triples)
    return Entry(me, path, record.kind, own, tuple(types), label, tuple(sorted(references)))


class Shared:
    """One copy of each string and tuple of strings that many entries hold (paths, kinds, classes,
    the IRIs they refer to): a catalogue of a million records then takes a third of the memory."""

    def __init__(self) -> None:
        self.strings: dict[str, str] = {}
        self.tuples: dict[tuple[str, ...], tuple[str, ...]] = {}

    def entry(self, e: Entry) -> Entry:
        one = self.strings.setdefault
        e.iri, e.path, e.kind = one(e.iri, e.iri), one(e.path, e.path), one(e.kind, e.kind)
        e.types = self.tuples.setdefault(e.types, e.types)
        e.references = tuple(one(r, r) for r in e.references)
        return e


def read_data(data_dir: Path, uris: Uris, previous: Catalogue | None, workers: int | None = None) -> Reading:
    """Every record file under ``data_dir``: unchanged ones from ``previous``, the others parsed (on every core)."""
    reading = Reading(Catalogue(), set(), [])
    earlier = previous.by_file() if previous is not None else {}
    for path in record_files(data_dir):
        name = path.relative_to(data_dir).as_posix()
        try:
            sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as err:
            reading.problems.append(Violation(str(path), "unreadable", f"cannot read: {err.strerror or err}"))
            continue
        reading.catalogue.files[name] = sha256
        if previous is None or previous.files.get(name) != sha256:
            reading.parsed.add(name)
    fresh = [name for name in reading.catalogue.files if name in reading.parsed]
    _reader[:] = [(data_dir, uris)]
    read = dict(zip(fresh, in_parallel(_read, fresh, workers), strict=True))
    seen: dict[tuple[str, str], str] = {}
    shared = Shared()
    for name in reading.catalogue.files:
        if name in read:
            entries, problems = read[name]
            reading.problems += problems
        else:
            entries = [replace(e) for e in earlier[name]]  # copies: the build sets their digests
        for entry in entries:
            key = (entry.kind, entry.slug)
            if key in seen:
                message = f"record {entry.kind}/{entry.slug} is also in {data_dir / seen[key]}"
                reading.problems.append(Violation(str(data_dir / name), "unique-record", message))
                continue
            seen[key] = name
            reading.catalogue.entries[entry.iri] = shared.entry(entry)
    return reading


_reader: list[tuple[Path, Uris]] = []  # what the reading processes inherit


def _read(name: str) -> tuple[list[Entry], list[Violation]]:
    data_dir, uris = _reader[0]
    records, problems = read_file(data_dir / name, uris)
    return [entry_of(record, name, uris) for record in records], problems


def read_catalogue(build_path: Path) -> Catalogue | None:
    """The catalogue a build wrote, or None (a build made before catalogues, or a broken one)."""
    path = build_path / FILE
    if not path.exists():
        return None
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        catalogue = Catalogue(dict(db.execute("SELECT path, sha256 FROM file ORDER BY rowid")))
        shared = Shared()
        for iri, file, kind, own, types, label, refs, value in db.execute(
            "SELECT iri, path, kind, own, types, label, refs, digest FROM record"
        ):
            references = tuple(refs.split("\n")) if refs else ()
            entry = Entry(iri, file, kind, own, tuple(types.split()), label, references, value)
            catalogue.entries[iri] = shared.entry(entry)
    except sqlite3.Error:
        return None
    finally:
        db.close()
    return catalogue


def write_catalogue(build_path: Path, catalogue: Catalogue, previous: tuple[Path, Catalogue] | None = None) -> None:
    """Write ``catalogue.sqlite`` into the build directory: a copy of the ``previous`` build's
    catalogue with what changed, when there is one, so that a small change writes little."""
    target = build_path / FILE
    if previous is not None:
        shutil.copyfile(previous[0] / FILE, target)
    db = sqlite3.connect(target)
    try:
        if previous is None:
            db.executescript(SCHEMA)
            db.executemany("INSERT INTO file VALUES (?, ?)", catalogue.files.items())
            db.executemany("INSERT INTO record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _rows(catalogue.entries.values()))
        else:
            before = previous[1]
            gone_files = [(name,) for name in before.files if name not in catalogue.files]
            gone_records = [(iri,) for iri in before.entries if iri not in catalogue.entries]
            files = [(n, h) for n, h in catalogue.files.items() if before.files.get(n) != h]
            entries = [e for iri, e in catalogue.entries.items() if before.entries.get(iri) != e]
            db.executemany("DELETE FROM file WHERE path = ?", gone_files)
            db.executemany("DELETE FROM record WHERE iri = ?", gone_records)
            db.executemany("INSERT OR REPLACE INTO file VALUES (?, ?)", files)
            db.executemany("INSERT OR REPLACE INTO record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _rows(entries))
        db.commit()
    finally:
        db.close()


def _rows(entries: Iterable[Entry]) -> Iterator[tuple[str, ...] | tuple[str | None, ...]]:
    for e in entries:
        references = "\n".join(e.references)
        yield e.iri, e.path, e.kind, e.slug, e.own, " ".join(e.types), e.label, references, e.digest
