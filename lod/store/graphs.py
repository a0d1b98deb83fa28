"""The graph of each record as a build makes it: its own triples, and the class and label of what it refers to.

A record's graph changes when its file changes, or when a record it refers to gets another class
or label (or appears, or goes). :func:`record_graphs` works out which graphs a build must write,
reading again only the files that hold them, and gives every catalogue entry its digest; the
graphs of all other records are the previous build's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from lod.errors import Violation
from lod.model.dataset import read_file
from lod.store.catalogue import Catalogue, Entry
from lod.store.changes import combined, digest
from lod.uris import Uris
from lod.vocab import CRM, OA, RDF, RDFS, SKOS

#: A reference carries one class, the one Linked Art names it by (a document is a LinguisticObject).
REFERENCE_CLASSES = [
    str(c)
    for c in (
        CRM.E21_Person,
        CRM.E74_Group,
        CRM.E53_Place,
        CRM.E7_Activity,
        CRM.E5_Event,
        CRM.E33_Linguistic_Object,
        CRM.E56_Language,
        CRM.E58_Measurement_Unit,
        CRM.E55_Type,
        OA.Annotation,
        SKOS.ConceptScheme,
    )
]
_TYPE = ox.NamedNode(str(RDF.type))
_LABEL = ox.NamedNode(str(RDFS.label))


@dataclass(frozen=True)
class Graph:
    """One record graph the build writes: its name and every triple in it."""

    name: str
    triples: list[ox.Triple]


@dataclass
class Plan:
    """What :func:`record_graphs` found: the records whose graph is not the previous build's."""

    changed: set[str] = field(default_factory=set)  # record IRIs, new ones included
    removed: set[str] = field(default_factory=set)  # record IRIs of the previous build that are gone
    problems: list[Violation] = field(default_factory=list)


def record_graphs(
    data_dir: Path, uris: Uris, catalogue: Catalogue, parsed: set[str], previous: Catalogue | None, plan: Plan
) -> Iterator[Graph]:
    """The graphs to write, file by file; ``plan`` is filled in as they come and each entry gets its digest.

    Without a previous catalogue every graph is written. ``parsed`` names the files read again.
    """
    before = previous.entries if previous is not None else {}
    moved = {iri for iri, e in catalogue.entries.items() if iri not in before or before[iri].main() != e.main()}
    moved |= {iri for iri in before if iri not in catalogue.entries}
    plan.removed = set(before) - set(catalogue.entries)
    for name, entries in catalogue.by_file().items():
        stale = previous is None or name in parsed or any(not e.references.isdisjoint(moved) for e in entries)
        if not stale:
            for entry in entries:
                entry.digest = before[entry.iri].digest
            continue
        records = {uris.thing(r.kind, r.slug): r for r in read_file(data_dir / name, uris)[0]}
        for entry in entries:
            triples = records[entry.iri].triples + _references(entry, catalogue, uris, plan.problems)
            entry.digest = combined(entry.own, digest(triples[len(records[entry.iri].triples) :]))
            if entry.iri in before and before[entry.iri].digest == entry.digest:
                continue
            plan.changed.add(entry.iri)
            yield Graph(uris.data(entry.kind, entry.slug), triples)


def _references(entry: Entry, catalogue: Catalogue, uris: Uris, problems: list[Violation]) -> list[ox.Triple]:
    """The class and label of every record ``entry`` refers to; a reference to no record is a problem."""
    triples = []
    for iri in sorted(entry.references):
        target = catalogue.entries.get(iri)
        if target is None:
            owner = uris.record_of(iri)
            if owner is None or uris.thing(*owner) not in catalogue.entries:
                message = f"refers to <{iri}>, which no record defines"
                problems.append(Violation(f"{entry.kind}/{entry.slug}", "reference", message))
            continue
        node = ox.NamedNode(iri)
        chosen = next((c for c in REFERENCE_CLASSES if c in target.types), min(target.types, default=None))
        if chosen is not None:
            triples.append(ox.Triple(node, _TYPE, ox.NamedNode(chosen)))
        if target.label is not None:
            triples.append(ox.Triple(node, _LABEL, ox.Literal(target.label)))
    return triples
