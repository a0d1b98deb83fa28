"""The change log: what every build changed, as IIIF Change Discovery activities, kept across builds.

Each build directory holds ``changes.sqlite``: the previous build's log, copied, and what this
build changed (the log holds the activities and the records gone; the digests it compares are in
the two builds' catalogues). A record whose content digest is the same as in the previous build
changes nothing, so rebuilding the same data adds no activity. A new record is a ``Create``, a
changed one an ``Update``, a vanished one a ``Delete`` (its IRI then answers ``410 Gone``), and a record merged
into another (a line of ``triples/redirects.tsv``) a ``Move`` to the survivor (its IRI then answers
``301``). Because the log travels with its build, the served feed switches with the served data,
and a failed build leaves both as they were.

>>> digest([ox.Triple(ox.NamedNode("http://a/x"), ox.NamedNode("http://a/p"), ox.Literal("1"))])[:12]
'51ed8cf94a0e'
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from lod.uris import KINDS

LOG = "changes.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS activity (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    kind_seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    object TEXT NOT NULL,
    target TEXT,
    end_time TEXT NOT NULL,
    build TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS activity_of_kind ON activity (kind, kind_seq);
CREATE TABLE IF NOT EXISTS gone (iri TEXT PRIMARY KEY, kind TEXT NOT NULL, target TEXT, since TEXT NOT NULL);
"""


def digest(triples: Iterable[ox.Triple]) -> str:
    """The content digest of a record: SHA-256 of its triples, sorted (records have no blank nodes)."""
    lines = sorted(str(t) for t in triples)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def combined(*digests: str) -> str:
    """One digest for several (a record's own triples, and what the build added to it)."""
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


@dataclass(frozen=True)
class Activity:
    """One change: ``type`` is Create, Update, Delete or Move; ``target`` is where a Move went."""

    seq: int
    kind: str
    type: str
    object: str
    target: str | None
    end_time: str


@dataclass(frozen=True)
class Gone:
    """A record no longer published: deleted (no ``target``) or merged into ``target``."""

    iri: str
    target: str | None
    since: str


@dataclass(frozen=True)
class Summary:
    """How many records a build created, updated, deleted and moved."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    moved: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.deleted} deleted, {self.moved} merged"


def record_changes(
    path: Path,
    previous: Path | None,
    records: Path,
    before: Path | None,
    redirects: dict[str, str],
    build: str,
    end_time: str,
    touched: Iterable[str] | None = None,
    journaled: bool = False,
) -> Summary:
    """Write ``path/changes.sqlite``: the log of the build at ``previous`` (if any) and this build's changes.

    ``records`` and ``before`` are SQLite files with a table ``record (iri, kind, digest)``: every
    record of this build and of the previous one (their catalogues; ``before`` is None when there
    is none). ``journaled`` says that ``records`` is the previous build's catalogue taken over, whose
    journal (``undo_record``) holds the previous rows of every record this build changed: only
    those are compared. ``redirects`` maps the IRI of each merged record to its survivor's;
    ``touched``, when given, holds every record that may differ from the previous build (made anew
    or gone), and only those are compared. The comparison runs in SQLite, so no list of every
    record is held in memory.
    """
    log = path / LOG
    if previous is not None and (previous / LOG).exists():
        shutil.copyfile(previous / LOG, log)
    db = sqlite3.connect(f"file:{log}", uri=True)
    try:
        _compact(db)
        db.executescript(SCHEMA)
        db.execute("ATTACH DATABASE ? AS now", (f"file:{records}?mode=ro",))
        db.execute("ATTACH DATABASE ? AS before", (f"file:{before}?mode=ro" if before else ":memory:",))
        db.execute("CREATE TABLE IF NOT EXISTS before.record (iri TEXT PRIMARY KEY, kind TEXT, digest TEXT)")
        db.execute("CREATE TEMP TABLE kind_order (kind TEXT PRIMARY KEY, position INTEGER)")
        db.executemany("INSERT INTO temp.kind_order VALUES (?, ?)", ((k, i) for i, k in enumerate(KINDS)))
        then, now = "before.record", "now.record"
        if journaled:
            then = "(SELECT iri, kind, digest FROM now.undo_record WHERE path IS NOT NULL)"
            now = "(SELECT * FROM now.record WHERE iri IN (SELECT iri FROM now.undo_record))"
        elif touched is not None and before is not None:
            db.execute("CREATE TEMP TABLE touched (iri TEXT PRIMARY KEY)")
            db.executemany("INSERT OR IGNORE INTO temp.touched VALUES (?)", ((iri,) for iri in touched))
            then = "(SELECT * FROM before.record WHERE iri IN (SELECT iri FROM temp.touched))"
            now = "(SELECT * FROM now.record WHERE iri IN (SELECT iri FROM temp.touched))"
        vanished = db.execute(
            f"SELECT r.kind, r.iri FROM {then} r WHERE NOT EXISTS (SELECT 1 FROM now.record n WHERE n.iri = r.iri)"
        ).fetchall()
        moves: list[tuple[str, str, str, str | None]] = []
        for kind, iri in sorted(vanished, key=lambda row: (KINDS.index(row[0]), row[1])):
            moves.append((kind, "Move" if iri in redirects else "Delete", iri, redirects.get(iri)))
        gone = dict(db.execute("SELECT iri, target FROM gone"))
        for iri in _in_order(set(redirects) & set(gone)):
            if not _was_record(db, iri, journaled) and gone[iri] != redirects[iri]:  # merged after it was deleted
                moves.append((_kind_of(iri), "Move", iri, redirects[iri]))  # or elsewhere now
        changed = db.execute(
            "SELECT n.kind, CASE WHEN r.iri IS NULL THEN 'Create' ELSE 'Update' END, n.iri, NULL "
            f"FROM {now} n LEFT JOIN {then} r ON r.iri = n.iri LEFT JOIN temp.kind_order k ON k.kind = n.kind "
            "WHERE r.iri IS NULL OR r.digest != n.digest ORDER BY k.position, n.iri"
        )
        counts = _append(db, itertools.chain(_rows(changed), moves), build, end_time)
        _settle_gone(db, moves, redirects, end_time, now)
        db.commit()
    finally:
        db.close()
    return Summary(counts["Create"], counts["Update"], counts["Delete"], counts["Move"])


def _was_record(db: sqlite3.Connection, iri: str, journaled: bool) -> bool:
    """Whether the previous build had this record (a journaled catalogue: as its journal kept it,
    or as it is where this build did not change it)."""
    if journaled:
        kept = db.execute("SELECT path FROM now.undo_record WHERE iri = ?", (iri,)).fetchone()
        if kept is not None:
            return kept[0] is not None
        return db.execute("SELECT 1 FROM now.record WHERE iri = ?", (iri,)).fetchone() is not None
    return db.execute("SELECT 1 FROM before.record WHERE iri = ?", (iri,)).fetchone() is not None


def _compact(db: sqlite3.Connection) -> None:
    """A log copied from a build that kept every record's digest in it (the catalogues have them)
    without that table: the copies of the builds after it are smaller."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'record' AND type = 'table'").fetchone():
        db.execute("DROP TABLE record")
        db.commit()
        db.execute("VACUUM")


def _settle_gone(
    db: sqlite3.Connection,
    changes: list[tuple[str, str, str, str | None]],
    redirects: dict[str, str],
    since: str,
    now: str,
) -> None:
    """Deleted records answer 410, merged ones 301 (also those merged before they were ever published)."""
    for kind, type_, iri, target in changes:
        if type_ in ("Delete", "Move"):
            db.execute("INSERT OR REPLACE INTO gone VALUES (?, ?, ?, ?)", (iri, kind, target, since))
    for iri, target in redirects.items():
        db.execute("INSERT OR IGNORE INTO gone VALUES (?, ?, ?, ?)", (iri, _kind_of(iri), target, since))
    for (iri,) in db.execute("SELECT iri FROM gone WHERE target IS NOT NULL").fetchall():
        if iri not in redirects:  # the redirect was withdrawn: the record stays gone
            db.execute("UPDATE gone SET target = NULL WHERE iri = ?", (iri,))
    db.execute(f"DELETE FROM gone WHERE iri IN (SELECT iri FROM {now})")  # they came back


def _kind_of(iri: str) -> str:
    """The kind of a record IRI (``…/id/{kind}/{slug}``)."""
    return iri.split("/")[-2]


def _in_order(iris: Iterable[str]) -> list[str]:
    """Records in the feed's order: by kind (documents first), then IRI."""
    return sorted(iris, key=lambda iri: (KINDS.index(_kind_of(iri)), iri))


def _rows(cursor: sqlite3.Cursor) -> Iterator[tuple[str, str, str, str | None]]:
    while batch := cursor.fetchmany(10_000):
        yield from batch


def _append(
    db: sqlite3.Connection, changes: Iterable[tuple[str, str, str, str | None]], build: str, end: str
) -> dict[str, int]:
    """Add the changes as activities, in order; how many of each type. The numbers go on from the
    log's last ones, found through its indexes, so a build that changed little reads little of it."""
    (last,) = db.execute("SELECT MAX(seq) FROM activity").fetchone()
    seq = 0 if last is None else last + 1
    kind_seq: dict[str, int] = {}
    counts = dict.fromkeys(("Create", "Update", "Delete", "Move"), 0)

    def rows() -> Iterator[tuple[object, ...]]:
        nonlocal seq
        for kind, type_, iri, target in changes:
            if kind not in kind_seq:
                (last,) = db.execute("SELECT MAX(kind_seq) FROM activity WHERE kind = ?", (kind,)).fetchone()
                kind_seq[kind] = 0 if last is None else last + 1
            yield seq, kind, kind_seq[kind], type_, iri, target, end, build
            seq += 1
            kind_seq[kind] += 1
            counts[type_] += 1

    db.executemany("INSERT INTO activity VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows())
    return counts


class ChangeLog:
    """A build's change log, read-only, one connection per thread."""

    def __init__(self, build_path: Path) -> None:
        self.path = build_path / LOG
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.db = db
        return db

    def total(self, kind: str | None = None) -> int:
        """The number of activities, in all or of one kind."""
        if not self.path.exists():
            return 0
        if kind is None:
            (count,) = self._db().execute("SELECT COUNT(*) FROM activity").fetchone()
        else:
            (count,) = self._db().execute("SELECT COUNT(*) FROM activity WHERE kind = ?", (kind,)).fetchone()
        return int(count)

    def activities(self, start: int, count: int, kind: str | None = None) -> list[Activity]:
        """``count`` activities from position ``start`` (0-based) of the whole feed or of a kind's, oldest first."""
        if not self.path.exists():
            return []
        columns = "seq, kind, type, object, target, end_time"
        if kind is None:
            rows = self._db().execute(
                f"SELECT {columns} FROM activity WHERE seq >= ? AND seq < ? ORDER BY seq", (start, start + count)
            )
        else:
            rows = self._db().execute(
                f"SELECT {columns} FROM activity WHERE kind = ? AND kind_seq >= ? AND kind_seq < ? ORDER BY kind_seq",
                (kind, start, start + count),
            )
        return [Activity(*row) for row in rows]

    def gone(self, iri: str) -> Gone | None:
        """Whether a record IRI was deleted or merged, and when."""
        if not self.path.exists():
            return None
        row = self._db().execute("SELECT iri, target, since FROM gone WHERE iri = ?", (iri,)).fetchone()
        return Gone(*row) if row else None
