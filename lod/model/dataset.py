"""Records on disk: ``triples/<kind>/<slug>.ttl`` (one curated record) and ``.trig`` (ingest output).

Files hold IRIs relative to the base (``<id/person/kim-il-sung>``), so the same data can be built
for any configured base.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.exceptions import ParserError

from lod.errors import Violation
from lod.model.records import Record
from lod.model.vocab import PREFIXES
from lod.uris import KINDS, Uris, is_slug


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
    """Write records as TriG with IRIs relative to the base, atomically (temp file + rename)."""
    dataset = Dataset()
    for prefix, namespace in PREFIXES.items():
        dataset.bind(prefix, namespace)
    for record in records:
        graph = dataset.graph(URIRef(uris.data(record.kind, record.slug)))
        for triple in record.graph:
            graph.add(triple)
    text = dataset.serialize(format="trig")
    if not any(f'"{uris.base}' in str(o) or f"<{uris.base}" in str(o) for _, _, o, _ in dataset.quads()):
        text = text.replace(f"<{uris.base}", "<")
    text = re.sub(r"^@base <[^>]*> \.\n", "", text, flags=re.MULTILINE)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(header + text, encoding="utf-8")
    temporary.replace(path)


def read_records(data_dir: Path, uris: Uris) -> Loaded:
    """Every record under ``data_dir``, with a violation for each file or record that is wrong."""
    records: list[Record] = []
    violations: list[Violation] = []
    seen: dict[tuple[str, str], Path] = {}
    for path in _files(data_dir):
        try:
            found = list(_read_file(path, data_dir, uris))
        except _FileProblem as problem:
            violations.append(Violation(str(path), problem.rule, problem.message))
            continue
        for record in found:
            key = (record.kind, record.slug)
            if key in seen:
                violations.append(
                    Violation(
                        str(path),
                        "unique-record",
                        f"record {record.kind}/{record.slug} is also in {seen[key]}",
                    )
                )
                continue
            seen[key] = path
            violations += _structure(record, uris, path)
            records.append(record)
    return Loaded(records, violations)


def _files(data_dir: Path) -> Iterator[Path]:
    for kind in KINDS:
        folder = data_dir / kind
        if folder.is_dir():
            yield from sorted(p for p in folder.iterdir() if p.suffix in (".ttl", ".trig"))


class _FileProblem(Exception):
    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        self.message = message


def _read_file(path: Path, data_dir: Path, uris: Uris) -> Iterator[Record]:
    kind = path.parent.name
    if path.suffix == ".ttl":
        if not is_slug(path.stem):
            raise _FileProblem("file-name", f"{path.stem!r} is not a slug (lower-case words joined by '-')")
        graph = new_graph()
        _parse(graph, path, "turtle", uris)
        yield Record(kind, path.stem, graph)
        return
    dataset = Dataset()
    _parse(dataset, path, "trig", uris)
    for context in dataset.contexts():
        if len(context) == 0 or context.identifier == dataset.default_context.identifier:
            if len(context):
                raise _FileProblem("named-graphs", "triples outside any named graph")
            continue
        found = uris.record_of(str(context.identifier))
        if found is None or str(context.identifier) != uris.data(*found):
            raise _FileProblem(
                "graph-name",
                f"graph <{context.identifier}> is not a record graph name under {uris.base}data/",
            )
        graph = new_graph()
        for triple in context:
            graph.add(triple)
        yield Record(found[0], found[1], graph)


def _parse(graph: Graph, path: Path, fmt: str, uris: Uris) -> None:
    try:
        graph.parse(path, format=fmt, publicID=uris.base)
    except (ParserError, SyntaxError, ValueError) as err:
        message = " ".join(str(err).split())
        raise _FileProblem("syntax", f"not valid {fmt.upper() if fmt == 'trig' else 'Turtle'}: {message}") from None


def _structure(record: Record, uris: Uris, path: Path) -> list[Violation]:
    """A record describes only itself and its own parts, with no blank nodes."""
    me = uris.thing(record.kind, record.slug)
    name = f"{record.kind}/{record.slug} ({path})"
    problems = []
    subjects = set(record.graph.subjects())
    if URIRef(me) not in subjects:
        problems.append(Violation(name, "describes-itself", f"no triple has <{me}> as subject"))
    for s, _, o in record.graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            problems.append(Violation(name, "no-blank-nodes", "blank nodes are not published; give the part an IRI"))
            break
    for subject in subjects:
        if isinstance(subject, URIRef) and str(subject) != me and not str(subject).startswith(me + "#"):
            problems.append(Violation(name, "own-subjects", f"describes <{subject}>, which belongs to another record"))
    return problems
