"""SPARQL results written out: JSON, XML, CSV, TSV for solutions; RDF formats for graphs.

The engine writes the bytes. A result with more rows than the cap is refused rather than sent cut
short: a count of marker bytes in the body (quick, never too low) bounds the number of rows, and
only a body whose bound is over the cap is parsed to count them exactly. A body that grows past
the byte limit stops the writer at once, which bounds the memory a query can use.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

SOLUTION_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdf": ox.RdfFormat.RDF_XML,
    "nq": ox.RdfFormat.N_QUADS,
}


class TooManyRows(Exception):
    """The result has more rows than the configured cap."""


class TooLarge(Exception):
    """The result is longer than the configured number of bytes."""


class _Capped(io.BytesIO):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, chunk: Any) -> int:
        if self.tell() + len(chunk) > self.limit:
            raise TooLarge(self.limit)
        return super().write(chunk)


def most_rows(body: bytes, fmt: str) -> int:
    """At least the number of solutions in a result the engine wrote in ``fmt``, counted quickly.

    In JSON a quote inside a value is escaped, so every ``{"`` opens the head, a row or a term
    (``{"type":"…``); ``{}`` (an empty row) may also occur in values, which only raises the bound.
    """
    if fmt == "json":
        return body.count(b'{"') - body.count(b'{"type":"') - 3 + body.count(b"{}")
    return body.count(b"<result>") if fmt == "xml" else body.count(b"\n") - 1


def count_rows(body: bytes, fmt: str) -> int:
    """The number of solutions in a result the engine wrote in ``fmt``."""
    if fmt == "json":
        return len(json.loads(body)["results"]["bindings"])
    if fmt == "xml":
        return body.count(b"<result>")  # markup in values is escaped
    if fmt == "tsv":
        return body.count(b"\n") - 1  # line ends in values are escaped
    return sum(1 for _ in csv.reader(io.StringIO(body.decode()))) - 1


def write_solutions(result: ox.QuerySolutions | ox.QueryBoolean, fmt: str, max_rows: int, max_bytes: int) -> bytes:
    """A SELECT or ASK result in one of :data:`SOLUTION_FORMATS`, or :class:`TooManyRows`, :class:`TooLarge`."""
    output = _Capped(max_bytes)
    result.serialize(output, format=SOLUTION_FORMATS[fmt])
    body = output.getvalue()
    if isinstance(result, ox.QuerySolutions) and most_rows(body, fmt) > max_rows and count_rows(body, fmt) > max_rows:
        raise TooManyRows(max_rows)
    return body


def rows(solutions: ox.QuerySolutions, cap: int) -> tuple[list[str], list[list[Any]]]:
    """Variables and rows, or :class:`TooManyRows`."""
    names = [v.value for v in solutions.variables]
    out: list[list[Any]] = []
    for solution in solutions:
        if len(out) >= cap:
            raise TooManyRows(cap)
        out.append([solution[name] for name in names])
    return names, out


def distinct_triples(triples: Iterable[ox.Triple], cap: int) -> list[ox.Triple]:
    """The triples of a CONSTRUCT or DESCRIBE once each (engines may repeat them), capped."""
    seen: dict[ox.Triple, None] = {}
    for triple in triples:
        seen[triple] = None
        if len(seen) > cap:
            raise TooManyRows(cap)
    return list(seen)


def write_graph(triples: list[ox.Triple], fmt: str, prefixes: dict[str, str], max_bytes: int) -> bytes:
    """A CONSTRUCT or DESCRIBE result in one of :data:`GRAPH_FORMATS`, or :class:`TooLarge`."""
    rdf_format = GRAPH_FORMATS[fmt]
    if rdf_format is ox.RdfFormat.N_QUADS:
        items: list[Any] = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    else:
        items = triples
    chosen = prefixes if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    output = _Capped(max_bytes)
    ox.serialize(items, output, format=rdf_format, prefixes=chosen)
    return output.getvalue()
