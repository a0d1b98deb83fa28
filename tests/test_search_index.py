"""The name index holds what SPARQL on the served store finds, though the build writes it from each
record's own triples: the queries below are what each row means."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench.common import corpus
from lod.search.index import FILE, NAMED, TEXTS, Names, Rows, rows_of
from lod.settings import Settings
from lod.store.build import build
from lod.store.embedded import current_build

PREFIXES = "PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
CLASSES = {f"http://www.cidoc-crm.org/cidoc-crm/{c}": kind for kind, c in (*NAMED.items(), *TEXTS.items())}
IN = ", ".join(f"<{c}>" for c in CLASSES)
QUERIES = {
    "labels": f"""SELECT ?e ?c (MIN(?l) AS ?label) WHERE {{
        ?e a ?c ; rdfs:label ?l FILTER(?c IN ({IN})) }} GROUP BY ?e ?c""",
    "notes": """SELECT ?e (MIN(?text) AS ?note) WHERE {
        ?e crm:P67i_is_referred_to_by ?n . ?n crm:P2_has_type <ROLE> ; crm:P190_has_symbolic_content ?text
    } GROUP BY ?e""",
    "born": """SELECT ?e (MIN(?when) AS ?date) WHERE {
        ?e crm:P98i_was_born/crm:P4_has_time-span/crm:P82a_begin_of_the_begin ?when } GROUP BY ?e""",
    "died": """SELECT ?e (MIN(?when) AS ?date) WHERE {
        ?e crm:P100i_died_in/crm:P4_has_time-span/crm:P82a_begin_of_the_begin ?when } GROUP BY ?e""",
    "members": "SELECT ?e ?g WHERE { ?e crm:P107i_is_current_or_former_member_of ?g }",
    "spellings": "SELECT ?e ?name WHERE { ?e crm:P1_is_identified_by ?a . ?a crm:P190_has_symbolic_content ?name }",
    "dates": """SELECT ?e (MIN(?w) AS ?date) WHERE {
        ?e crm:P4_has_time-span|(crm:P94i_was_created_by/crm:P4_has_time-span) ?s . ?s crm:P82a_begin_of_the_begin ?w
    } GROUP BY ?e""",
    "mentions": """SELECT ?e ?d (MIN(?when) AS ?date) WHERE {
        ?d crm:P67_refers_to ?e ; a crm:E31_Document .
        OPTIONAL { ?d crm:P94i_was_created_by/crm:P4_has_time-span/crm:P82a_begin_of_the_begin ?when }
    } GROUP BY ?e ?d""",
}


def ask(store: ox.Store, name: str, role: str) -> list[list[str | None]]:
    solutions = store.query(PREFIXES + QUERIES[name].replace("ROLE", role))
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    return [[None if row[n] is None else str(row[n].value) for n in names] for row in solutions]


def expected(store: ox.Store, role: str) -> dict[str, list[tuple[object, ...]]]:
    """The index's rows, table by table, from SPARQL on the store (the default graph: every record)."""
    labels: dict[str, dict[str, str]] = {}
    for iri, c, label in ask(store, "labels", role):
        assert iri and c and label
        labels.setdefault(iri, {})[CLASSES[c]] = label
    entities = {iri: next(k for k in NAMED if k in kinds) for iri, kinds in labels.items() if set(kinds) & set(NAMED)}
    notes = {iri: note for iri, note in ask(store, "notes", role)}
    born = {iri: (date or "")[:10] or None for iri, date in ask(store, "born", role)}
    died = {iri: (date or "")[:10] or None for iri, date in ask(store, "died", role)}
    groups: dict[str | None, set[str | None]] = {}
    for iri, group in ask(store, "members", role):
        groups.setdefault(iri, set()).add(group)
    mentions = [(e, d, (date or "")[:10] or None) for e, d, date in ask(store, "mentions", role) if e in entities]
    counted: dict[str | None, list[str | None]] = {}
    for e, _, date in mentions:
        counted.setdefault(e, []).append(date)
    dates = {iri: date for iri, date in ask(store, "dates", role)}
    rows = []
    for iri, kind in entities.items():
        when = [d for d in counted.get(iri, []) if d is not None]
        rows.append((iri, kind, labels[iri][kind], notes.get(iri) or "", len(counted.get(iri, [])),
                     min(when, default=None), max(when, default=None), born.get(iri), died.get(iri),
                     json.dumps(sorted(groups.get(iri, set())))))  # fmt: skip
    texts = [(iri, kind, label, dates.get(iri)) for iri, kinds in labels.items() for kind, label in kinds.items()
             if kind in TEXTS]  # fmt: skip
    spellings = [(iri, name) for iri, name in ask(store, "spellings", role) if iri in entities and name]
    return {
        "entity": sorted(rows, key=repr),
        "spelling": sorted(spellings, key=repr),
        "text": sorted(texts, key=repr),
        "mention": sorted(mentions, key=repr),
    }


TABLES = ("entity", "spelling", "text", "mention")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("corpus")
    build(Settings(data_dir=str(corpus(work, 12)), var_dir=str(work / "var")))
    return current_build(work / "var").path


def test_the_name_index_holds_what_sparql_on_the_store_finds(built: Path) -> None:
    store = ox.Store.read_only(str(built / "store"))
    db = sqlite3.connect(built / FILE)
    try:
        found = {t: sorted(db.execute(f"SELECT * FROM {t}"), key=repr) for t in TABLES}
    finally:
        db.close()
    wanted = expected(store, "http://127.0.0.1:8000/id/concept/role-note")
    assert len(wanted["entity"]) > 2000 and len(wanted["mention"]) > 100 and len(wanted["text"]) > 40
    assert all(any(row[i] not in ("", "[]", 0) for row in wanted["entity"]) for i in (3, 4, 9))  # notes, counts, groups
    for table in wanted:
        assert found[table] == wanted[table], table


def test_a_document_or_event_is_named_by_its_own_text_row(built: Path) -> None:
    names = Names(built / FILE)
    try:
        texts = names.db.execute("SELECT iri, label FROM text").fetchall()
        assert len(texts) > 40
        assert {iri: names.label(iri) for iri, _ in texts} == dict(texts)
        assert names.label("http://127.0.0.1:8000/id/document/no-such-document") is None
    finally:
        names.close()


PERSON = """
@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://x/id/person/p> a crm:E21_Person ; rdfs:label "Pak", "Bak" ;
    crm:P1_is_identified_by <http://x/id/person/p#name-1>, <http://x/id/person/p#name-2> ;
    crm:P67i_is_referred_to_by <http://x/id/person/p#note-1>, <http://x/id/person/p#note-2> ;
    crm:P98i_was_born <http://x/id/person/p#birth> ; crm:P100i_died_in <http://x/id/person/p#death> ;
    crm:P107i_is_current_or_former_member_of <http://x/id/group/b>, <http://x/id/group/a> .
<http://x/id/person/p#name-1> crm:P190_has_symbolic_content "Pak" .
<http://x/id/person/p#name-2> crm:P190_has_symbolic_content "Bak [sic]" .
<http://x/id/person/p#note-1> crm:P2_has_type <http://x/id/concept/role-note> ;
    crm:P190_has_symbolic_content "Minister" .
<http://x/id/person/p#note-2> crm:P2_has_type <http://x/id/concept/other> ; crm:P190_has_symbolic_content "Aide" .
<http://x/id/person/p#birth> crm:P4_has_time-span <http://x/id/person/p#birth-span> .
<http://x/id/person/p#birth-span> crm:P82a_begin_of_the_begin "1911-05-02T00:00:00" .
<http://x/id/person/p#death> crm:P4_has_time-span <http://x/id/person/p#death-span> .
<http://x/id/person/p#death-span> crm:P82a_begin_of_the_begin "1960-01-01T00:00:00" .
"""
DOCUMENT = """
@prefix crm: <http://www.cidoc-crm.org/cidoc-crm/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<http://x/id/document/d> a crm:E31_Document, crm:E33_Linguistic_Object ; rdfs:label "Journal" ;
    crm:P67_refers_to <http://x/id/person/p>, <http://x/id/place/q> ;
    crm:P94i_was_created_by <http://x/id/document/d#creation> .
<http://x/id/document/d#creation> crm:P4_has_time-span <http://x/id/document/d#span> .
<http://x/id/document/d#span> crm:P82a_begin_of_the_begin "1957-10-25T00:00:00" .
"""


def test_the_rows_of_a_person_and_a_document() -> None:
    role = "http://x/id/concept/role-note"
    person = rows_of("http://x/id/person/p", [q.triple for q in ox.parse(PERSON, ox.RdfFormat.TURTLE)], role)
    groups = '["http://x/id/group/a", "http://x/id/group/b"]'
    me = "http://x/id/person/p"
    assert person.entities == [(me, "person", "Bak", "Minister", 0, None, None, "1911-05-02", "1960-01-01", groups)]
    assert sorted(person.spellings) == [(me, "Bak [sic]"), (me, "Pak")]
    assert person.texts == person.mentions == []
    document = rows_of("http://x/id/document/d", [q.triple for q in ox.parse(DOCUMENT, ox.RdfFormat.TURTLE)], role)
    assert document == Rows(
        texts=[("http://x/id/document/d", "document", "Journal", "1957-10-25T00:00:00")],
        mentions=[
            ("http://x/id/person/p", "http://x/id/document/d", "1957-10-25"),
            ("http://x/id/place/q", "http://x/id/document/d", "1957-10-25"),
        ],
    )
