"""Records on disk: ``triples/<kind>/<slug>.ttl`` (one curated record) and ``.trig`` (ingest output).

Files hold IRIs relative to the base (``<id/person/kim-il-sung>``), so the same data can be built
for any configured base.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from lod.errors import Violation
from lod.model.records import Record
from lod.model.terms import to_oxigraph, to_rdflib
from lod.uris import KINDS, Uris, is_slug
from lod.vocab import PREFIXES


@dataclass(frozen=True)
class Loaded:
    """Records read from a data directory, and everything wrong with them."""

    records: list[Record]
    violations: list[Violation]


def new_graph() -> Graph:
    """An empty graph with our prefixes bound."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def write_trig(records: Iterable[Record], path: Path, uris: Uris, header: str = "") -> None:
    """Write records as TriG (:func:`trig`) to ``path``."""
    write_atomically(path, header + trig(records, uris))


def write_atomically(path: Path, text: str) -> None:
    """The file is written to a temporary name and renamed, so a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def trig(records: Iterable[Record], uris: Uris) -> str:
    """Records as TriG, one graph per record in a stable order, IRIs relative to the base."""
    quads = []
    for record in sorted(records, key=lambda r: (KINDS.index(r.kind), _natural(r.slug))):
        graph = ox.NamedNode(uris.data(record.kind, record.slug))
        me = uris.thing(record.kind, record.slug)
        triples = [(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in record.graph]
        triples.sort(key=lambda t: (t[0].value != me, str(t[0]), str(t[1]), str(t[2])))
        quads += [ox.Quad(s, p, o, graph) for s, p, o in triples]  # type: ignore[arg-type]
    text = (ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=PREFIXES) or b"").decode("utf-8")
    if f'"{uris.base}' not in text:
        text = text.replace(f"<{uris.base}", "<")
    return text


def _natural(slug: str) -> list[tuple[int, str]]:
    """Sort key that puts ``mention-9`` before ``mention-10``."""
    return [(int(part), "") if part.isdigit() else (0, part) for part in re.split(r"(\d+)", slug)]


@dataclass(frozen=True)
class RawRecord:
    """One record as read from a file: where it came from and its triples (pyoxigraph terms)."""

    kind: str
    slug: str
    path: Path
    triples: list[ox.Triple]


def scan(data_dir: Path, uris: Uris) -> Iterator[RawRecord | Violation]:
    """Every record under ``data_dir``, file by file, and a violation for anything wrong."""
    seen: dict[tuple[str, str], Path] = {}
    for path in record_files(data_dir):
        records, problems = read_file(path, uris)
        yield from problems
        for record in records:
            key = (record.kind, record.slug)
            if key in seen:
                yield Violation(
                    str(path), "unique-record", f"record {record.kind}/{record.slug} is also in {seen[key]}"
                )
                continue
            seen[key] = path
            yield record


def read_file(path: Path, uris: Uris, data: bytes | None = None) -> tuple[list[RawRecord], list[Violation]]:
    """The records of one file (``data``, its bytes, when already read), and what is wrong with them."""
    records, problems = parse_file(path, uris, data)
    return records, problems + [problem for record in records for problem in _structure(record, uris)]


def parse_file(path: Path, uris: Uris, data: bytes | None = None) -> tuple[list[RawRecord], list[Violation]]:
    """The records of one file and why it cannot be read, if so; the records' structure is not looked
    at (:func:`read_file` does): for a file a build has read and checked already."""
    try:
        return _read_file(path, uris, path.read_bytes() if data is None else data), []
    except _FileProblem as problem:
        return [], [Violation(str(path), problem.rule, problem.message)]
    except OSError as err:
        return [], [Violation(str(path), "unreadable", f"cannot read: {err.strerror or err}")]


REDIRECTS = "redirects.tsv"


def read_redirects(data_dir: Path, uris: Uris) -> tuple[dict[str, str], list[Violation]]:
    """``triples/redirects.tsv``: records merged into another, as ``kind/old-slug<TAB>kind/survivor-slug``.

    Returns the IRI of each merged record mapped to its survivor's, and what is wrong with the file
    (by line). Blank lines and lines starting with ``#`` are skipped.
    """
    path = data_dir / REDIRECTS
    found: dict[str, str] = {}
    problems: list[Violation] = []
    if not path.exists():
        return found, problems
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{path}:{number}"
        fields = line.split("\t")
        names = [tuple(f.strip().split("/")) for f in fields]
        if len(names) != 2 or any(len(n) != 2 or n[0] not in KINDS or not is_slug(n[1]) for n in names):
            problems.append(Violation(where, "redirect", "expected 'kind/old-slug<TAB>kind/survivor-slug'"))
            continue
        (kind, old), (survivor_kind, survivor) = names
        if kind != survivor_kind:
            problems.append(Violation(where, "redirect", f"a {kind} can only be merged into a {kind}"))
        elif uris.thing(kind, old) in found:
            problems.append(Violation(where, "redirect", f"{kind}/{old} is redirected twice"))
        else:
            found[uris.thing(kind, old)] = uris.thing(kind, survivor)
    return found, problems


def read_records(data_dir: Path, uris: Uris) -> Loaded:
    """Every record under ``data_dir`` as rdflib graphs, with its violations."""
    records: list[Record] = []
    violations: list[Violation] = []
    for item in scan(data_dir, uris):
        if isinstance(item, Violation):
            violations.append(item)
            continue
        graph = new_graph()
        for t in item.triples:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        records.append(Record(item.kind, item.slug, graph))
    return Loaded(records, violations)


def record_files(data_dir: Path) -> Iterator[Path]:
    """The record files under ``data_dir``, kind by kind, in name order."""
    for kind in KINDS:
        folder = data_dir / kind
        if folder.is_dir():  # names sorted as strings, not as paths: at 100,000 documents 1 s less
            names = sorted(name for name in os.listdir(folder) if os.path.splitext(name)[1] in (".ttl", ".trig"))
            yield from (folder / name for name in names)


class _FileProblem(Exception):
    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        self.message = message


def _read_file(path: Path, uris: Uris, data: bytes) -> list[RawRecord]:
    kind = path.parent.name
    turtle = path.suffix == ".ttl"
    if turtle and not is_slug(path.stem):
        raise _FileProblem("file-name", f"{path.stem!r} is not a slug (lower-case words joined by '-')")
    graphs: dict[str, list[ox.Triple]] = {}
    if turtle:
        triples = [quad.triple for quad in _parse(path, uris, data)]
        graphs = {uris.data(kind, path.stem): triples} if triples else {}
    else:
        for quad in _parse(path, uris, data):
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise _FileProblem("named-graphs", "triples outside any named graph")
            graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    if turtle and not graphs:
        raise _FileProblem("empty", "the file holds no triples")
    records = []
    for name, triples in graphs.items():
        found = uris.record_of(name)
        if found is None or name != uris.data(*found):
            raise _FileProblem("graph-name", f"graph <{name}> is not a record graph name under {uris.base}data/")
        records.append(RawRecord(found[0], found[1], path, triples))
    return records


def _parse(path: Path, uris: Uris, data: bytes) -> list[ox.Quad]:
    fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.TRIG
    try:
        return list(ox.parse(data, format=fmt, base_iri=uris.base))
    except SyntaxError as err:
        message = " ".join(str(err).split())
        raise _FileProblem("syntax", f"not valid {'Turtle' if path.suffix == '.ttl' else 'TriG'}: {message}") from None


def _structure(record: RawRecord, uris: Uris) -> list[Violation]:
    """A record describes only itself and its own parts, with no blank nodes."""
    me = uris.thing(record.kind, record.slug)
    name = f"{record.kind}/{record.slug} ({record.path})"
    problems = []
    subjects = {t.subject.value for t in record.triples if isinstance(t.subject, ox.NamedNode)}
    if me not in subjects:
        problems.append(Violation(name, "describes-itself", f"no triple has <{me}> as subject"))
    if any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in record.triples):
        problems.append(Violation(name, "no-blank-nodes", "blank nodes are not published; give the part an IRI"))
    for subject in sorted(subjects):
        if subject != me and not subject.startswith(me + "#"):
            problems.append(Violation(name, "own-subjects", f"describes <{subject}>, which belongs to another record"))
    return problems
