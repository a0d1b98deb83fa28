"""The graph of each record as a build makes it: its own triples, and the class and label of what it refers to.

A record's graph changes when its file changes, or when a record it refers to gets another class
or label (or appears, or goes). :func:`stale_files` works out which files a build must make
again, and :func:`make_files` makes them on every core: each record's graph and digest, and the
file's members of the dumps. The graphs of all other records are the previous build's.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from lod.errors import Violation
from lod.model.dataset import parse_file
from lod.model.shacl import Check, validate
from lod.search.index import Rows, rows_of
from lod.store.catalogue import Catalogue, Entry, Mains, Reading
from lod.store.changes import combined, digest
from lod.store.dumps import Members, members
from lod.store.parallel import SMALL, in_parallel
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
class Made:
    """One record file as the build makes it: each record's graph, the file's dump members and its
    records' rows of the name index."""

    name: str
    records: list[tuple[str, str, bytes, bytes]]  # IRI, digest, N-Quads of its graph, N-Triples of its own
    members: Members
    names: Rows
    problems: list[Violation]  # unknown references and SHACL violations of its records
    references: set[str]  # what its records refer to


def stale_files(catalogue: Catalogue, reading: Reading) -> list[str]:
    """The files whose records' graphs must be made again: new or changed ones, and those that
    refer to a record that has another class or label now, or appeared, or went (all without a
    previous catalogue). The records of the other files keep their previous digests."""
    if reading.moved is None:
        return list(catalogue.files)
    stale = set(reading.parsed)
    if reading.moved:
        stale |= catalogue.referring(reading.moved)
    return [name for name in catalogue.files if name in stale]


def make_files(
    data_dir: Path, uris: Uris, catalogue: Catalogue, names: list[str], checks: list[Check], workers: int | None = None
) -> Iterator[Made]:
    """Make and validate the graphs of the records of these files, on every core (the processes
    start now; the catalogue must be committed)."""
    _maker[:] = [(data_dir, uris, Mains(catalogue.path), checks)]
    chunks = [names[i : i + CHUNK] for i in range(0, len(names), CHUNK)]
    return itertools.chain.from_iterable(in_parallel(_make_chunk, chunks, workers, AHEAD, SMALL // CHUNK))


#: Files made and validated together: the shapes are some 200 queries, each with a cost of its own.
CHUNK = 16
AHEAD = 2  # chunks made ahead of the build, per process
_maker: list[tuple[Path, Uris, Mains, list[Check]]] = []  # what the making processes inherit


def _make_chunk(names: list[str]) -> list[Made]:
    """Make some files, then validate their records together.

    A record's triples are about itself and its parts, so whether it conforms depends only on its
    own triples and what it says of the records it refers to. The chunk's store holds its records'
    graphs, every class of each record they refer to, and the triples of any record whose parts
    they refer to (a quote's source is the text of a document). Only the violations of the chunk's
    own records count: the others are checked in their own chunks. A record that refers to no
    record is reported for that alone, not for the class its reference lacks."""
    data_dir, uris, mains, checks = _maker[0]
    made: list[Made] = []
    lines: list[bytes] = []
    for name in names:
        one, references = _make(name)
        made.append(one)
        lines += [own for _, _, _, own in one.records]
        lines.append(references)
    mine = {"/".join(uris.record_of(iri) or ()): file for file in made for iri, *_ in file.records}
    referred = {iri for file in made for iri in file.references}
    lines.append(_classes(referred, mains))
    lines += _owners(referred, {iri for file in made for iri, *_ in file.records}, data_dir, uris, mains)
    part = ox.Store()
    part.load(b"".join(lines), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    unknown = {problem.record for file in made for problem in file.problems}  # said once, as a reference
    for violation in validate(part, uris, checks):
        if (file := mine.get(violation.record)) is not None and violation.record not in unknown:
            file.problems.append(violation)
    return made


def _classes(iris: set[str], mains: Mains) -> bytes:
    """Every class of these records, as N-Triples (their graphs name one)."""
    triples = []
    for iri in sorted(iris):
        node = ox.NamedNode(iri)
        found = mains.get(iri)
        triples += [ox.Triple(node, _TYPE, ox.NamedNode(t)) for t in (found[0] if found else ())]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _owners(iris: set[str], chunk: set[str], data_dir: Path, uris: Uris, mains: Mains) -> list[bytes]:
    """The own triples, as N-Triples, of the records outside ``chunk`` whose parts these IRIs are."""
    owners = {uris.thing(*owned) for iri in iris if "#" in iri and (owned := uris.record_of(iri))} - chunk
    triples = []
    for owner in sorted(owners):
        if (name := mains.file_of(owner)) is not None:
            for record in parse_file(data_dir / name, uris)[0]:
                if uris.thing(record.kind, record.slug) == owner:
                    triples.append(ox.serialize(record.triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    return triples


def _make(name: str) -> tuple[Made, bytes]:
    """A made file, and the N-Triples of the class and label its records give what they refer to.

    Those are a copy of triples of the records referred to, so they are in their graphs but not
    again in the default graph: its lines are each record's own triples (1.4 of 12 million lines
    fewer at 10,000 documents, which the bulk loader parsed and sorted to find them there already).
    A graph's N-Quads are its N-Triples with the graph's name put before each line's end (a line
    ends at the only `` .\n`` in it: N-Triples escape the line breaks of literals)."""
    data_dir, uris, mains, _ = _maker[0]
    records = {uris.thing(r.kind, r.slug): r for r in parse_file(data_dir / name, uris)[0]}
    problems: list[Violation] = []
    made = []
    graphs = []
    referring = []
    names = Rows()
    referred: set[str] = set()
    role_note = uris.concept("role-note")
    for entry in mains.entries_of(name):
        own = records[entry.iri].triples
        references = _references(entry, mains, uris, problems)
        referred.update(entry.references)
        graph = uris.data(entry.kind, entry.slug)
        value = combined(entry.own, digest(references))
        lines = ox.serialize(own, format=ox.RdfFormat.N_TRIPLES) or b""
        referred_lines = ox.serialize(references, format=ox.RdfFormat.N_TRIPLES) or b""
        nquads = (lines + referred_lines).replace(b" .\n", f" <{graph}> .\n".encode())
        made.append((entry.iri, value, nquads, lines))
        referring.append(referred_lines)
        graphs.append((graph, own + references))
        names.extend(rows_of(entry.iri, own, role_note))
    nquads = b"".join(nquads for _, _, nquads, _ in made)
    found = Made(name, made, members(graphs, nquads, uris), names, problems, referred)
    return found, b"".join(referring)


def _references(entry: Entry, mains: Mains, uris: Uris, problems: list[Violation]) -> list[ox.Triple]:
    """The class and label of every record ``entry`` refers to; a reference to no record is a problem."""
    triples = []
    for iri in entry.references:
        target = mains.get(iri)
        if target is None:
            owner = uris.record_of(iri)
            if owner is None or mains.get(uris.thing(*owner)) is None:
                message = f"refers to <{iri}>, which no record defines"
                problems.append(Violation(f"{entry.kind}/{entry.slug}", "reference", message))
            continue
        types, label = target
        node = ox.NamedNode(iri)
        chosen = next((c for c in REFERENCE_CLASSES if c in types), min(types, default=None))
        if chosen is not None:
            triples.append(ox.Triple(node, _TYPE, ox.NamedNode(chosen)))
        if label is not None:
            triples.append(ox.Triple(node, _LABEL, ox.Literal(label)))
    return triples
