"""The name index a build writes next to its store (``names.sqlite``), and what a server reads of it.

For every person, group and place: its label, every spelling of its name (``P1 is identified
by`` / ``P190``), a short description (its role note), the groups it belongs to, birth and death
dates where the records have them, and how many documents refer to it with the dates of the first
and the last. Documents and events are kept with their label and date for the search page, in a
full-text table (SQLite FTS5, three-letter pieces), so that a server holds in memory only the
spellings of people, groups and places (:class:`lod.search.match.Matcher`).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from lod.search.match import Entity, Matcher

FILE = "names.sqlite"
NAMED = {"person": "E21_Person", "group": "E74_Group", "place": "E53_Place"}
TEXTS = {"document": "E31_Document", "event": "E7_Activity"}
SCHEMA = """
CREATE TABLE entity (
    iri TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL, description TEXT NOT NULL,
    documents INTEGER NOT NULL, first TEXT, last TEXT, born TEXT, died TEXT, groups TEXT NOT NULL
);
CREATE TABLE spelling (iri TEXT NOT NULL, printed TEXT NOT NULL);
CREATE TABLE mention (iri TEXT NOT NULL, document TEXT NOT NULL, date TEXT, PRIMARY KEY (iri, document));
CREATE INDEX mention_of_document ON mention (document);
CREATE VIRTUAL TABLE text USING fts5(iri UNINDEXED, kind UNINDEXED, label, date UNINDEXED, tokenize = 'trigram');
"""
_PREFIXES = """PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


class Queryable(Protocol):
    def query(self, query: str) -> Any: ...


def _rows(store: Queryable, query: str) -> Iterator[list[str | None]]:
    solutions = store.query(_PREFIXES + query)
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield [None if solution[n] is None else str(solution[n].value) for n in names]


_NAMED = " ".join(f"(crm:{c} '{k}')" for k, c in NAMED.items())
_TEXTS = " ".join(f"(crm:{c} '{k}')" for k, c in TEXTS.items())
ENTITIES = f"""SELECT ?e ?kind (SAMPLE(?l) AS ?label) WHERE {{
    VALUES (?c ?kind) {{ {_NAMED} }} ?e a ?c ; rdfs:label ?l }} GROUP BY ?e ?kind"""
NOTES = """SELECT ?e ?text WHERE {
    ?e crm:P67i_is_referred_to_by ?n . ?n crm:P2_has_type ?role ; crm:P190_has_symbolic_content ?text }"""
MENTIONS = """SELECT ?e ?d (MIN(?when) AS ?date) WHERE {
    ?d crm:P67_refers_to ?e ; a crm:E31_Document .
    OPTIONAL { ?d crm:P94i_was_created_by/crm:P4_has_time-span/crm:P82a_begin_of_the_begin ?when }
} GROUP BY ?e ?d"""
LIFE = """SELECT ?e ?event ?when WHERE {
    { ?e crm:P98i_was_born ?x BIND("born" AS ?event) } UNION { ?e crm:P100i_died_in ?x BIND("died" AS ?event) }
    ?x crm:P4_has_time-span/crm:P82a_begin_of_the_begin ?when }"""
MEMBERS = "SELECT ?e ?g WHERE { ?e crm:P107i_is_current_or_former_member_of ?g }"
SPELLINGS = "SELECT ?e ?name WHERE { ?e crm:P1_is_identified_by/crm:P190_has_symbolic_content ?name }"
_CLASSES = ", ".join(f"crm:{c}" for c in TEXTS.values())
LABELS = f"""SELECT ?e ?c (SAMPLE(?l) AS ?label) (MIN(?w) AS ?date) WHERE {{
    ?e a ?c . FILTER(?c IN ({_CLASSES})) ?e rdfs:label ?l .
    OPTIONAL {{ ?e crm:P4_has_time-span|(crm:P94i_was_created_by/crm:P4_has_time-span) ?s .
               ?s crm:P82a_begin_of_the_begin ?w }}
}} GROUP BY ?e ?c"""  # a FILTER, not VALUES: Oxigraph then starts from ?e where it is given
_KIND_OF = {f"http://www.cidoc-crm.org/cidoc-crm/{c}": k for k, c in TEXTS.items()}


def write_index(
    store: Queryable, path: Path, concepts: str, previous: Path | None = None, only: set[str] | None = None
) -> None:
    """Write ``path`` (``names.sqlite``) from a built store. ``concepts`` is the IRI prefix of our
    concepts (``…/id/concept/``). Given the index of the ``previous`` build and the records whose
    rows may differ from it (``only``: those the build wrote anew or removed, and every record they
    refer to or referred to), only their rows are made again."""
    path.unlink(missing_ok=True)
    again = previous is not None and only is not None and _has_mentions(previous)
    if previous is not None and again:
        shutil.copyfile(previous, path)
    db = sqlite3.connect(path)
    try:
        scopes = [""]  # every record
        if not again:
            db.executescript(SCHEMA)
        else:
            db.execute("CREATE TEMP TABLE again (iri TEXT PRIMARY KEY)")
            db.executemany("INSERT INTO temp.again VALUES (?)", ((iri,) for iri in only or ()))
            for table in ("entity", "spelling", "text"):
                db.execute(f"DELETE FROM {table} WHERE iri IN (SELECT iri FROM temp.again)")
            db.execute("DELETE FROM mention WHERE document IN (SELECT iri FROM temp.again)")
            iris = [f"<{iri}>" for iri in sorted(only or ())]
            scopes = [" ".join(iris[at : at + _SCOPE]) for at in range(0, len(iris), _SCOPE)]  # none: nothing to do
        for scope in scopes:
            _fill(db, store, concepts, scope)
        for scope in scopes:  # once every person, group and place is in
            _mentions(db, store, scope)
        if scopes:
            db.execute(
                "UPDATE entity SET (documents, first, last) = "
                "(SELECT COUNT(*), MIN(m.date), MAX(m.date) FROM mention m WHERE m.iri = entity.iri)"
                + (" WHERE iri IN (SELECT iri FROM temp.again)" if again else "")
            )
        db.commit()
    finally:
        db.close()


_SCOPE = 1_000  # records per query when only some are made again


def _fill(db: sqlite3.Connection, store: Queryable, concepts: str, scope: str) -> None:
    """The rows of the records the queries find: those in ``scope`` (IRIs in SPARQL), or every record."""

    def rows(query: str) -> Iterator[list[str | None]]:
        return _rows(store, _scoped(query, "?e", scope))

    entities: dict[str, list[Any]] = {}
    for iri, kind, label in rows(ENTITIES):
        assert iri is not None and kind is not None
        entities[iri] = [iri, kind, label or iri, "", 0, None, None, None, None, []]
    for iri, text in rows(NOTES.replace("?role", f"<{concepts}role-note>")):
        if iri in entities and text:
            entities[iri][3] = text
    for iri, event, when in rows(LIFE):
        if iri in entities and when:
            entities[iri][7 if (event or "").endswith("born") else 8] = when[:10]
    for iri, group in rows(MEMBERS):
        if iri in entities and group:
            entities[iri][9].append(group)
    entity_rows = ([*row[:9], json.dumps(sorted(row[9]))] for row in entities.values())
    db.executemany("INSERT INTO entity VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entity_rows)
    spellings = ((iri, name) for iri, name in rows(SPELLINGS) if iri in entities and name)
    db.executemany("INSERT INTO spelling VALUES (?, ?)", spellings)
    texts = ((iri, _KIND_OF[str(c)], label, date) for iri, c, label, date in rows(LABELS))
    db.executemany("INSERT INTO text VALUES (?, ?, ?, ?)", texts)


def _mentions(db: sqlite3.Connection, store: Queryable, scope: str) -> None:
    """The people, groups and places the documents in ``scope`` (or every document) mention, with their dates."""
    found = _rows(store, _scoped(MENTIONS, "?d", scope))
    rows = ((e, d, (date or "")[:10] or None, e) for e, d, date in found)
    db.executemany("INSERT INTO mention SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM entity WHERE iri = ?)", rows)


def _has_mentions(path: Path) -> bool:
    """Whether the index at ``path`` can be updated in place (indexes made before mentions cannot)."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return db.execute("SELECT 1 FROM sqlite_master WHERE name = 'mention'").fetchone() is not None
        finally:
            db.close()
    except sqlite3.Error:
        return False


def _scoped(query: str, variable: str, scope: str) -> str:
    return query.replace("WHERE {", f"WHERE {{ VALUES {variable} {{ {scope} }}", 1) if scope else query


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
        row = self.db.execute("SELECT label FROM text WHERE iri = ?", (iri,)).fetchone()
        return str(row[0]) if row else None

    def close(self) -> None:
        self.db.close()
