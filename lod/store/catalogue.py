"""The catalogue of a build: every record file with its SHA-256, and what the build needs of each record.

A build reads ``triples/`` through the catalogue of the build before it (``catalogue.sqlite`` in
each build directory): a file whose bytes have the same SHA-256 is not parsed again, its records'
entries are taken over. A file whose size, modification time, inode and change time are those the
previous build saw is not even read: its SHA-256 is taken over too (a file changed less than a
second before a build read it is read again by the next, as its time may not tell the change).

An entry holds what other records may say about the record (its classes and label), the records it
refers to, the digest of its own triples, and the digest of its whole graph as the build made it
(its own triples and the class and label of everything it refers to), which is the digest the change
feed compares.

The entries stay on disk: a build holds only the list of files in memory, however many records
there are, and asks the catalogue for the entries of one file or one record at a time.

A build that starts from the previous one takes its catalogue over (the file moves into the new
build's directory, it is not copied: at 100,000 documents it takes 3 GB) and changes it in place,
keeping the rows it changes as they were in a journal. A build that fails puts them back and
returns the catalogue; one that was killed is undone by the next (:func:`recover`); one that
switched forgets its journal (:func:`forget_journal`). So the catalogue of the served build always
says what that build holds.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from lod.errors import Violation
from lod.model.dataset import RawRecord, read_file, record_files
from lod.store.changes import digest
from lod.store.parallel import in_parallel
from lod.uris import Uris
from lod.vocab import RDF, RDFS, XSD

FILE = "catalogue.sqlite"
SCHEMA = """
CREATE TABLE file (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, stamp TEXT NOT NULL DEFAULT '', refs TEXT NOT NULL);
CREATE TABLE record (
    iri TEXT PRIMARY KEY, path TEXT NOT NULL, kind TEXT NOT NULL, slug TEXT NOT NULL,
    own TEXT NOT NULL, types TEXT NOT NULL, label TEXT, refs TEXT NOT NULL, digest TEXT NOT NULL
);
CREATE INDEX record_of_file ON record (path, iri);
"""
#: The rows a build changed, as the build it started from had them (NULL path / sha256: not there).
JOURNAL = """
CREATE TABLE IF NOT EXISTS journal (build TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS undo_file (path TEXT PRIMARY KEY, sha256 TEXT, stamp TEXT, refs TEXT);
CREATE TABLE IF NOT EXISTS undo_record (
    iri TEXT PRIMARY KEY, path TEXT, kind TEXT, slug TEXT, own TEXT, types TEXT, label TEXT, refs TEXT, digest TEXT
);
"""
_RECORD_COLUMNS = "iri, path, kind, slug, own, types, label, refs, digest"
_COLUMNS = "iri, path, kind, own, types, label, refs, digest"
_BATCH = 5_000
_SETTLED_NS = 1_000_000_000  # a file's stamp is kept once it is this much older than the reading
_TYPE = ox.NamedNode(str(RDF.type))
_LABEL = ox.NamedNode(str(RDFS.label))
_STRING = ox.NamedNode(str(XSD.string))
Main = tuple[tuple[str, ...], str | None]


@dataclass(slots=True)
class Entry:
    """One record as the catalogue keeps it; ``digest`` is empty until the build has made its graph."""

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

    def main(self) -> Main:
        """What other records say about this one."""
        return self.types, self.label

    def row(self) -> tuple[str | None, ...]:
        refs = "\n".join(self.references)
        return self.iri, self.path, self.kind, self.slug, self.own, " ".join(self.types), self.label, refs, self.digest


def _entry(row: tuple[str, ...]) -> Entry:
    iri, path, kind, own, types, label, refs, value = row
    return Entry(iri, path, kind, own, tuple(types.split()), label, tuple(refs.split("\n")) if refs else (), value)


def _of_file(db: sqlite3.Connection, name: str) -> list[Entry]:
    return [_entry(row) for row in db.execute(f"SELECT {_COLUMNS} FROM record WHERE path = ? ORDER BY iri", (name,))]


class Catalogue:
    """A build's catalogue: the record files (relative path → SHA-256, in reading order) and their
    stamps in memory, the entries in ``catalogue.sqlite``. A catalogue taken over from the build
    before (``journaled``) keeps the rows it changes, as they were, in its journal."""

    def __init__(
        self,
        path: Path,
        files: dict[str, str],
        writable: bool = False,
        stamps: dict[str, str] | None = None,
        journaled: bool = False,
    ) -> None:
        self.path = path
        self.files = files
        self.stamps = stamps or {}
        self.journaled = journaled
        mode = "rw" if writable else "ro"
        self.db = sqlite3.connect(f"file:{path}?mode={mode}", uri=True, check_same_thread=False)

    def __len__(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM record").fetchone()[0])

    def __contains__(self, iri: object) -> bool:
        return self.db.execute("SELECT 1 FROM record WHERE iri = ?", (iri,)).fetchone() is not None

    def get(self, iri: str) -> Entry | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM record WHERE iri = ?", (iri,)).fetchone()
        return _entry(row) if row else None

    def of_file(self, name: str) -> list[Entry]:
        """The entries of one file, in IRI order."""
        return _of_file(self.db, name)

    def rows(self, columns: str, order: str = "iri") -> Iterator[tuple[str, ...]]:
        """Some columns of every record (``iri, kind, slug, label, digest``…), in ``order``."""
        return iter(self.db.execute(f"SELECT {columns} FROM record ORDER BY {order}"))

    def previous(self) -> Previous:
        """The entries as the build this one started from had them."""
        return Previous(self)

    def set_digests(self, digests: Iterable[tuple[str, str]]) -> None:
        """(IRI, digest) of records whose graph the build made, kept aside (a temporary table does
        not lock the catalogue the making processes read) until :meth:`settle`."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS made (iri TEXT PRIMARY KEY, digest TEXT NOT NULL)")
        self.db.executemany("INSERT OR REPLACE INTO temp.made VALUES (?, ?)", digests)

    def settle(self) -> None:
        """The digests set aside into the records, once the making processes are done."""
        if self.db.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'made'").fetchone():
            self._keep_records("iri IN (SELECT iri FROM temp.made)")
            self.db.execute("UPDATE record SET digest = made.digest FROM temp.made AS made WHERE made.iri = record.iri")
            self.db.execute("DROP TABLE temp.made")
        self.db.commit()

    def forget_files(self, names: list[str]) -> None:
        """The files and the records of these files go."""
        for name in names:
            self._keep_files("path = ?", (name,))
            self._keep_records("path = ?", (name,))
        self.db.executemany("DELETE FROM record WHERE path = ?", ((name,) for name in names))
        self.db.executemany("DELETE FROM file WHERE path = ?", ((name,) for name in names))

    def add_file(self, name: str, sha256: str, stamp: str, entries: list[Entry]) -> None:
        """A file read, with the records its records refer to in other files."""
        if self.journaled:
            self.db.execute("INSERT OR IGNORE INTO undo_file (path) VALUES (?)", (name,))
        outside = set().union(*(e.references for e in entries)) - {e.iri for e in entries}
        self.db.execute("INSERT INTO file VALUES (?, ?, ?, ?)", (name, sha256, stamp, "\n".join(sorted(outside))))

    def referring(self, iris: set[str]) -> set[str]:
        """The files whose records refer to any of these records (in another file): a scan of the
        files, not of every record (at 100,000 documents 102,105 rows against 2.3 million)."""
        rows = self.db.execute("SELECT path, refs FROM file WHERE refs != ''")
        return {name for name, refs in rows if not iris.isdisjoint(refs.split("\n"))}

    def restamp(self, stamps: list[tuple[str, str]]) -> None:
        """New stamps (``(stamp, path)``) of unchanged files."""
        for _, name in stamps:
            self._keep_files("path = ?", (name,))
        self.db.executemany("UPDATE file SET stamp = ? WHERE path = ?", stamps)

    def add_records(self, entries: list[Entry]) -> int:
        """Add entries (one whose record is there already is left out); how many went in."""
        if self.journaled:
            self.db.executemany("INSERT OR IGNORE INTO undo_record (iri) VALUES (?)", ((e.iri,) for e in entries))
        before = self.db.total_changes
        self.db.executemany(
            "INSERT OR IGNORE INTO record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (e.row() for e in entries)
        )
        return self.db.total_changes - before

    def _keep_files(self, where: str, parameters: tuple[str, ...] = ()) -> None:
        if self.journaled:
            self.db.execute(
                f"INSERT OR IGNORE INTO undo_file SELECT path, sha256, stamp, refs FROM file WHERE {where}", parameters
            )

    def _keep_records(self, where: str, parameters: tuple[str, ...] = ()) -> None:
        if self.journaled:
            query = f"INSERT OR IGNORE INTO undo_record SELECT {_RECORD_COLUMNS} FROM record WHERE {where}"
            self.db.execute(query, parameters)

    def abandon(self) -> None:
        """A build that failed: a journaled catalogue is put back as it was and returned to the build
        it came from; a new one is closed (its directory goes)."""
        origin = _journal_of(self.db) if self.journaled else None
        if origin is not None:
            _undo(self.db)
        self.db.close()
        if origin is not None:
            _give_back(self.path, origin)

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.close()


class Previous:
    """A journaled catalogue's entries as the build before had them: from its journal where this
    build changed them, else as they are."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    def get(self, iri: str) -> Entry | None:
        row = self.catalogue.db.execute(f"SELECT {_COLUMNS} FROM undo_record WHERE iri = ?", (iri,)).fetchone()
        if row is None:
            return self.catalogue.get(iri)
        return _entry(row) if row[1] is not None else None


def take_over(previous: Catalogue, target: Path, files: dict[str, str], stamps: dict[str, str]) -> Catalogue:
    """The previous build's catalogue, moved to ``target`` and journaled from now on; ``files`` and
    ``stamps`` are this build's."""
    previous.close()
    db = sqlite3.connect(previous.path)
    try:
        db.executescript(JOURNAL)
        _forget(db)  # a journal left behind by a build that switched (see recover)
        db.execute("INSERT INTO journal VALUES (?)", (previous.path.parent.name,))
        db.commit()
    finally:
        db.close()
    os.replace(previous.path, target)
    return Catalogue(target, files, writable=True, stamps=stamps, journaled=True)


def forget_journal(build_path: Path) -> None:
    """The build at ``build_path`` switched: its catalogue's journal is no longer needed."""
    path = build_path / FILE
    if path.exists():
        db = sqlite3.connect(path)
        try:
            if _journal_of(db) is not None:
                _forget(db)
                db.commit()
        finally:
            db.close()


def recover(stores: Path, current: str | None) -> None:
    """Catalogues that builds killed on their way left journaled: the served build's forgets its
    journal; any other is put back as it was and returned to the build it came from (or removed,
    if that build has a catalogue again or is gone)."""
    for path in sorted(stores.glob(f"*/{FILE}")):
        db = sqlite3.connect(path)
        try:
            origin = _journal_of(db)
            if origin is not None and path.parent.name != current:
                _undo(db)
            elif origin is not None:
                _forget(db)
                db.commit()
        except sqlite3.Error:
            origin = None
        finally:
            db.close()
        if origin is not None and path.parent.name != current:
            _give_back(path, origin)


def _journal_of(db: sqlite3.Connection) -> str | None:
    """The build a journaled catalogue came from (None: not journaled)."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'journal'").fetchone() is None:
        return None
    row = db.execute("SELECT build FROM journal").fetchone()
    return str(row[0]) if row else None


def _undo(db: sqlite3.Connection) -> None:
    """Every row the journal kept back as it was, then the journal emptied, in one transaction."""
    db.execute("DELETE FROM record WHERE iri IN (SELECT iri FROM undo_record)")
    db.execute(f"INSERT INTO record SELECT {_RECORD_COLUMNS} FROM undo_record WHERE path IS NOT NULL")
    db.execute("DELETE FROM file WHERE path IN (SELECT path FROM undo_file)")
    db.execute("INSERT INTO file SELECT path, sha256, stamp, refs FROM undo_file WHERE sha256 IS NOT NULL")
    _forget(db)
    db.commit()


def _forget(db: sqlite3.Connection) -> None:
    for table in ("journal", "undo_file", "undo_record"):
        db.execute(f"DELETE FROM {table}")


def _give_back(path: Path, origin: str) -> None:
    """An undone catalogue goes back to the build it came from, unless that build is gone or has one."""
    home = path.parent.parent / origin
    if home.is_dir() and not (home / FILE).exists():
        os.replace(path, home / FILE)
    else:
        path.unlink()


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
            elif t.predicate == _LABEL and label is None and isinstance(t.object, ox.Literal):
                label = t.object.value if t.object.datatype == _STRING else None  # references copy this triple
        if isinstance(t.object, ox.NamedNode):
            value = t.object.value
            if value.startswith(uris.base) and value != me and not value.startswith(me + "#"):
                references.add(value)
    own = digest(record.triples)
    return Entry(me, path, record.kind, own, tuple(types), label, tuple(sorted(references)))


@dataclass
class Reading:
    """What reading ``triples/`` through the previous catalogue gave."""

    catalogue: Catalogue
    parsed: set[str] = field(default_factory=set)  # the files read again (relative paths): new or changed
    problems: list[Violation] = field(default_factory=list)
    moved: set[str] | None = None  # records whose class or label changed, appeared or went (None: no previous)
    removed: set[str] = field(default_factory=set)  # records of the previous build that are gone


def read_data(
    data_dir: Path, uris: Uris, previous: Catalogue | None, target: Path, workers: int | None = None
) -> Reading:
    """Every record file under ``data_dir`` into the catalogue at ``target``: ``previous`` taken
    over where there is one (unchanged files keep their entries), the others parsed (on every core)."""
    files: dict[str, str] = {}
    stamps: dict[str, str] = {}
    parsed: set[str] = set()
    problems: list[Violation] = []
    settled = time.time_ns() - _SETTLED_NS
    for path in record_files(data_dir):
        name = path.relative_to(data_dir).as_posix()
        try:
            status = path.stat()
            stamp = f"{status.st_size} {status.st_mtime_ns} {status.st_ino} {status.st_ctime_ns}"
            if previous is None:
                sha256 = ""  # the reading processes hash what they parse: each file is read once
            elif stamp == previous.stamps.get(name):
                sha256 = previous.files[name]
            else:
                sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as err:
            problems.append(_unreadable(path, err))
            continue
        files[name] = sha256
        stamps[name] = stamp if max(status.st_mtime_ns, status.st_ctime_ns) < settled else ""
        if previous is None or previous.files.get(name) != sha256:
            parsed.add(name)
    if previous is not None:
        catalogue = take_over(previous, target, files, stamps)
    else:
        with sqlite3.connect(target) as db:
            db.executescript(SCHEMA)
        db.close()
        catalogue = Catalogue(target, files, writable=True, stamps=stamps)
    reading = Reading(catalogue, parsed, problems)
    try:
        _read_into(reading, data_dir, uris, previous, workers)
    except BaseException:
        catalogue.abandon()
        raise
    return reading


def _read_into(reading: Reading, data_dir: Path, uris: Uris, previous: Catalogue | None, workers: int | None) -> None:
    """The files that are new or changed read into the catalogue, the entries of those that changed
    or went taken out; which records appeared, went or changed class or label."""
    catalogue, files, stamps, parsed = (
        reading.catalogue,
        reading.catalogue.files,
        reading.catalogue.stamps,
        reading.parsed,
    )
    before: dict[str, Main] = {}
    if previous is not None:
        again = [name for name in previous.files if name not in files or name in parsed]
        for name in again:
            before.update((e.iri, e.main()) for e in catalogue.of_file(name))
        catalogue.forget_files(again)
        kept = (name for name in files if name not in parsed and stamps[name] != previous.stamps.get(name))
        catalogue.restamp([(stamps[name], name) for name in kept])
    fresh = [name for name in files if name in parsed]
    _reader[:] = [(data_dir, uris)]
    now: dict[str, Main] = {}
    batch: list[Entry] = []
    for name, (sha256, entries, found) in zip(fresh, in_parallel(_read, fresh, workers), strict=True):
        reading.problems += found
        if not sha256:  # gone or unreadable since it was listed
            del files[name], stamps[name]
            parsed.discard(name)
            continue
        files[name] = sha256
        catalogue.add_file(name, sha256, stamps[name], entries)
        batch += entries
        if previous is not None:
            now.update((e.iri, e.main()) for e in entries)
        if len(batch) >= _BATCH:
            _insert(catalogue, batch, data_dir, reading.problems)
    _insert(catalogue, batch, data_dir, reading.problems)
    if previous is not None:
        reading.moved = {iri for iri, main in now.items() if before.get(iri) != main} | (set(before) - set(now))
        reading.removed = set(before) - set(now)
    catalogue.commit()


def _insert(catalogue: Catalogue, batch: list[Entry], data_dir: Path, problems: list[Violation]) -> None:
    """Add entries; one whose record another file has already is a problem, and left out."""
    if catalogue.add_records(batch) < len(batch):
        for entry in batch:
            (path,) = catalogue.db.execute("SELECT path FROM record WHERE iri = ?", (entry.iri,)).fetchone()
            if path != entry.path:
                message = f"record {entry.kind}/{entry.slug} is also in {data_dir / path}"
                problems.append(Violation(str(data_dir / entry.path), "unique-record", message))
    batch.clear()


_reader: list[tuple[Path, Uris]] = []  # what the reading processes inherit


def _read(name: str) -> tuple[str, list[Entry], list[Violation]]:
    """A file's SHA-256 ("" if it cannot be read), its entries and what is wrong with it."""
    data_dir, uris = _reader[0]
    path = data_dir / name
    try:
        data = path.read_bytes()
    except OSError as err:
        return "", [], [_unreadable(path, err)]
    records, problems = read_file(path, uris, data)
    return hashlib.sha256(data).hexdigest(), [entry_of(record, name, uris) for record in records], problems


def _unreadable(path: Path, err: OSError) -> Violation:
    return Violation(str(path), "unreadable", f"cannot read: {err.strerror or err}")


def read_catalogue(build_path: Path) -> Catalogue | None:
    """The catalogue a build wrote, read-only, or None (a build made before catalogues, or a broken one)."""
    path = build_path / FILE
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            columns = {row[1] for row in db.execute("PRAGMA table_info(file)")}
            stamp = "stamp" if "stamp" in columns else "''"
            rows = db.execute(f"SELECT path, sha256, {stamp} FROM file").fetchall()
        finally:
            db.close()
        return Catalogue(path, {name: sha for name, sha, _ in rows}, stamps={name: st for name, _, st in rows if st})
    except sqlite3.Error:
        return None


class Mains:
    """The class and label of records by IRI, from a catalogue, for the processes that make graphs:
    each opens its own connection and keeps the most asked-for (people, places) in memory."""

    KEEP = 100_000

    def __init__(self, path: Path) -> None:
        self.path = path
        self.pid = -1
        self.db: sqlite3.Connection | None = None
        self.kept: dict[str, Main | None] = {}

    def _connection(self) -> sqlite3.Connection:
        if self.db is None or self.pid != os.getpid():  # a forked process opens its own
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self.pid = os.getpid()
            self.kept = {}
        return self.db

    def get(self, iri: str) -> Main | None:
        if iri in self.kept:
            return self.kept[iri]
        row = self._connection().execute("SELECT types, label FROM record WHERE iri = ?", (iri,)).fetchone()
        found = (tuple(row[0].split()), row[1]) if row else None
        if len(self.kept) >= self.KEEP:
            self.kept.clear()
        self.kept[iri] = found
        return found

    def entries_of(self, name: str) -> list[Entry]:
        return _of_file(self._connection(), name)

    def file_of(self, iri: str) -> str | None:
        """The file that holds a record."""
        row = self._connection().execute("SELECT path FROM record WHERE iri = ?", (iri,)).fetchone()
        return str(row[0]) if row else None

    def close(self) -> None:
        if self.db is not None and self.pid == os.getpid():
            self.db.close()
        self.db = None
