"""The name index a build writes next to its store (``names.sqlite``), and what a server reads of it.

For every person, group and place: its label, every spelling of its name (``P1 is identified
by`` / ``P190``), a short description (its role note), the groups it belongs to, birth and death
dates where the records have them, and how many documents refer to it with the dates of the first
and the last. Documents and events are kept with their label and date for the search page, in a
full-text table (SQLite FTS5, three-letter pieces), so that a server holds in memory only the
spellings of people, groups and places (:class:`lod.search.match.Matcher`).

Every row comes from the triples of one record, its own and its parts' (a record describes only
these), so the processes that make the records make their rows too (:func:`rows_of`), and the
build writes them as it loads the store (:class:`IndexWriter`): nothing is asked of the store
afterwards. The rows are what SPARQL on the served store finds (``tests/test_search_index.py``).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from lod.search.match import Entity, Matcher
from lod.vocab import CRM, RDF, RDFS

FILE = "names.sqlite"
VERSION = 3  # PRAGMA user_version: an index written another way is not updated in place
NAMED = {"person": "E21_Person", "group": "E74_Group", "place": "E53_Place"}
TEXTS = {"document": "E31_Document", "event": "E7_Activity"}
SCHEMA = """
CREATE TABLE entity (
    iri TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL, description TEXT NOT NULL,
    documents INTEGER NOT NULL, first TEXT, last TEXT, born TEXT, died TEXT, groups TEXT NOT NULL
);
CREATE TABLE spelling (iri TEXT NOT NULL, printed TEXT NOT NULL);
CREATE INDEX spelling_of_entity ON spelling (iri);
CREATE TABLE mention (iri TEXT NOT NULL, document TEXT NOT NULL, date TEXT, PRIMARY KEY (iri, document));
CREATE INDEX mention_of_document ON mention (document);
CREATE VIRTUAL TABLE text USING fts5(iri UNINDEXED, kind UNINDEXED, label, date UNINDEXED, tokenize = 'trigram');
CREATE TABLE text_row (iri TEXT NOT NULL, row INTEGER NOT NULL);  -- a record's rows of text, found without a scan
CREATE INDEX text_row_of_record ON text_row (iri);
"""
_TYPE, _LABEL = str(RDF.type), str(RDFS.label)
_NAMED = [(kind, str(CRM[c])) for kind, c in NAMED.items()]
_TEXTS = [(kind, str(CRM[c])) for kind, c in TEXTS.items()]
_DOCUMENT = str(CRM.E31_Document)
_P1, _P2, _P4 = str(CRM.P1_is_identified_by), str(CRM.P2_has_type), str(CRM["P4_has_time-span"])
_P67, _P67I = str(CRM.P67_refers_to), str(CRM.P67i_is_referred_to_by)
_P82A, _P94I = str(CRM.P82a_begin_of_the_begin), str(CRM.P94i_was_created_by)
_P98I, _P100I = str(CRM.P98i_was_born), str(CRM.P100i_died_in)
_P107I, _P190 = str(CRM.P107i_is_current_or_former_member_of), str(CRM.P190_has_symbolic_content)
EntityRow = tuple[str, str, str, str, int, str | None, str | None, str | None, str | None, str]


@dataclass
class Rows:
    """Rows of the name index, from one or more records."""

    entities: list[EntityRow] = field(default_factory=list)
    spellings: list[tuple[str, str]] = field(default_factory=list)
    texts: list[tuple[str, str, str, str | None]] = field(default_factory=list)
    mentions: list[tuple[str, str, str | None]] = field(default_factory=list)  # entity, document, date

    def extend(self, other: Rows) -> None:
        self.entities += other.entities
        self.spellings += other.spellings
        self.texts += other.texts
        self.mentions += other.mentions


def rows_of(me: str, triples: Iterable[ox.Triple], role_note: str) -> Rows:
    """The rows of the record ``me`` from its triples: a person, group or place's entity and
    spellings, a document or event's text, and a document's mentions. ``role_note`` is the IRI
    of the concept that types a description. Where a record has several values, the least is
    taken, so that the rows do not depend on the order of the triples."""
    about: dict[str, dict[str, list[str]]] = {}
    for t in set(triples):
        if not isinstance(t.subject, ox.Triple) and not isinstance(t.object, ox.Triple):  # records quote no triples
            about.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object.value)

    def values(subject: str, *path: str) -> list[str]:
        found = [subject]
        for predicate in path:
            found = [o for s in found for o in about.get(s, {}).get(predicate, ())]
        return found

    rows = Rows()
    types, labels = set(values(me, _TYPE)), values(me, _LABEL)
    if not labels:
        return rows
    label = min(labels)
    kind = next((kind for kind, c in _NAMED if c in types), None)
    if kind is not None:
        notes = [text for n in values(me, _P67I) if role_note in values(n, _P2) for text in values(n, _P190)]
        born, died = values(me, _P98I, _P4, _P82A), values(me, _P100I, _P4, _P82A)
        groups = json.dumps(sorted(set(values(me, _P107I))))
        life = [min(when)[:10] if when else None for when in (born, died)]
        rows.entities.append((me, kind, label, min(notes, default=""), 0, None, None, life[0], life[1], groups))
        rows.spellings += [(me, name) for appellation in values(me, _P1) for name in values(appellation, _P190) if name]
    dates = values(me, _P4, _P82A) + values(me, _P94I, _P4, _P82A)
    rows.texts += [(me, kind, label, min(dates, default=None)) for kind, c in _TEXTS if c in types]
    if _DOCUMENT in types:
        date = min(values(me, _P94I, _P4, _P82A), default="")[:10] or None
        rows.mentions += [(entity, me, date) for entity in sorted(set(values(me, _P67)))]
    return rows


class IndexWriter:
    """The name index of a build, written as its records are made: each record's rows replace
    those it had in the ``previous`` build's index (copied first), if there is one to update."""

    def __init__(self, path: Path, previous: Path | None = None) -> None:
        path.unlink(missing_ok=True)
        self.reuses = previous is not None and _version(previous) == VERSION
        if previous is not None and self.reuses:
            shutil.copyfile(previous, path)
        self.db = sqlite3.connect(path)
        if not self.reuses:
            self.db.executescript(SCHEMA)
            self.db.execute(f"PRAGMA user_version = {VERSION}")
        self.db.execute("CREATE TEMP TABLE made (iri TEXT NOT NULL, document TEXT NOT NULL, date TEXT)")

    def add(self, records: list[str], rows: Rows) -> None:
        """The rows of some records, made anew (those they had go)."""
        self.remove(records)
        self.db.executemany("INSERT INTO entity VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows.entities)
        self.db.executemany("INSERT INTO spelling VALUES (?, ?)", rows.spellings)
        if rows.texts:  # most files (people, places, groups) have none
            last = self.db.execute("SELECT rowid FROM text ORDER BY rowid DESC LIMIT 1").fetchone()
            self.db.executemany("INSERT INTO text VALUES (?, ?, ?, ?)", rows.texts)
            after = last[0] if last else 0
            self.db.execute("INSERT INTO text_row SELECT iri, rowid FROM text WHERE rowid > ?", (after,))
        self.db.executemany("INSERT INTO temp.made VALUES (?, ?, ?)", rows.mentions)

    def remove(self, records: Iterable[str]) -> None:
        """The rows of records that are gone, or are being made anew."""
        if self.reuses:
            iris = [(iri,) for iri in records]
            self.db.executemany("DELETE FROM text WHERE rowid IN (SELECT row FROM text_row WHERE iri = ?)", iris)
            for table in ("entity", "spelling", "text_row"):
                self.db.executemany(f"DELETE FROM {table} WHERE iri = ?", iris)
            self.db.executemany("DELETE FROM mention WHERE document = ?", iris)

    def finish(self, recount: Iterable[str] | None = None) -> None:
        """Keep the mentions of people, groups and places, and count each one's documents: every
        entity's, or only those in ``recount`` (an updated index)."""
        self.db.execute(
            "INSERT INTO mention SELECT m.iri, m.document, m.date FROM temp.made m "
            "WHERE EXISTS (SELECT 1 FROM entity e WHERE e.iri = m.iri)"
        )
        counts = (
            "UPDATE entity SET (documents, first, last) = "
            "(SELECT COUNT(*), MIN(m.date), MAX(m.date) FROM mention m WHERE m.iri = entity.iri)"
        )
        if recount is None or not self.reuses:
            self.db.execute(counts)
        else:
            self.db.execute("CREATE TEMP TABLE again (iri TEXT PRIMARY KEY)")
            self.db.executemany("INSERT OR IGNORE INTO temp.again VALUES (?)", ((iri,) for iri in recount))
            self.db.execute(counts + " WHERE iri IN (SELECT iri FROM temp.again)")
        self.db.commit()
        self.db.close()

    def close(self) -> None:
        self.db.close()


def _version(path: Path) -> int:
    """The version of the index at ``path`` (0: none, or unreadable)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return int(db.execute("PRAGMA user_version").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


@dataclass(frozen=True)
class Facts:
    """What the index knows of a person, group or place beyond its names."""

    documents: int
    first: str | None
    last: str | None
    born: str | None
    died: str | None
    groups: tuple[str, ...]


class Names:
    """A build's name index as a server reads it: spellings in memory, the rest on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        rows = self.db.execute("SELECT iri, kind, label, description, documents FROM entity ORDER BY iri").fetchall()
        spellings: dict[str, list[str]] = {}  # in one order, however the index was written
        for iri, printed in self.db.execute("SELECT iri, printed FROM spelling ORDER BY iri, printed"):
            spellings.setdefault(iri, []).append(printed)
        self.entities = {
            iri: Entity(iri, kind, label, tuple(spellings.get(iri, ())), description, documents)
            for iri, kind, label, description, documents in rows
        }
        self.matcher = Matcher(list(self.entities.values()))

    def facts(self, iri: str) -> Facts | None:
        row = self.db.execute(
            "SELECT documents, first, last, born, died, groups FROM entity WHERE iri = ?", (iri,)
        ).fetchone()
        return Facts(row[0], row[1], row[2], row[3], row[4], tuple(json.loads(row[5]))) if row else None

    def texts(self, query: str, kinds: set[str], limit: int) -> list[tuple[str, str, str, str]]:
        """Documents and events whose label holds every word of ``query`` (three letters or more)."""
        words = [w for w in query.replace('"', " ").split() if len(w) >= 3]
        if not words or not kinds:
            return []
        match = " AND ".join(f'"{w}"' for w in words)
        marks = ",".join("?" * len(kinds))
        rows = self.db.execute(
            f"SELECT iri, kind, label, date FROM text WHERE text MATCH ? AND kind IN ({marks}) "
            "ORDER BY rank, iri LIMIT ?",
            (match, *sorted(kinds), limit),
        )
        return [(iri, kind, label, (date or "")[:10]) for iri, kind, label, date in rows]

    def label(self, iri: str) -> str | None:
        entity = self.entities.get(iri)
        if entity is not None:
            return entity.label
        query = "SELECT label FROM text WHERE rowid IN (SELECT row FROM text_row WHERE iri = ?)"
        row = self.db.execute(query, (iri,)).fetchone()
        return str(row[0]) if row else None

    def close(self) -> None:
        self.db.close()
