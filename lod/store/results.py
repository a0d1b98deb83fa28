"""SPARQL results written out: JSON, XML, CSV, TSV for solutions; RDF formats for graphs.

Solutions are counted as they are written, so a result larger than the row cap is refused
rather than sent cut short.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

SOLUTION_FORMATS = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
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


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def rows(solutions: ox.QuerySolutions, cap: int) -> tuple[list[str], list[list[Any]]]:
    """Variables and rows, or :class:`TooManyRows`."""
    names = [v.value for v in solutions.variables]
    out: list[list[Any]] = []
    for solution in solutions:
        if len(out) >= cap:
            raise TooManyRows(cap)
        out.append([solution[name] for name in names])
    return names, out


def write_solutions(names: list[str], table: list[list[Any]], fmt: str) -> bytes:
    """A SELECT result in one of :data:`SOLUTION_FORMATS`."""
    if fmt == "json":
        bindings = [{n: _json_term(t) for n, t in zip(names, row, strict=True) if t is not None} for row in table]
        return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if fmt == "xml":
        head = "".join(f"<variable name={quoteattr(n)}/>" for n in names)
        body = "".join(
            "<result>"
            + "".join(
                f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                for n, t in zip(names, row, strict=True)
                if t is not None
            )
            + "</result>"
            for row in table
        )
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>{body}</results></sparql>\n"
        ).encode()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(names)
        for row in table:
            writer.writerow(["" if t is None else t.value for t in row])
        return buffer.getvalue().encode()
    if fmt == "tsv":
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in table]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(f"not a solutions format: {fmt}")


def write_boolean(value: bool, fmt: str) -> bytes:
    """An ASK result in one of :data:`SOLUTION_FORMATS`."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        text = "true" if value else "false"
        return f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>{text}</boolean></sparql>\n'.encode()
    return (("true" if value else "false") + ("\r\n" if fmt == "csv" else "\n")).encode()


def distinct_triples(triples: Iterable[ox.Triple], cap: int) -> list[ox.Triple]:
    """The triples of a CONSTRUCT or DESCRIBE once each (engines may repeat them), capped."""
    seen: dict[ox.Triple, None] = {}
    for triple in triples:
        seen[triple] = None
        if len(seen) > cap:
            raise TooManyRows(cap)
    return list(seen)


def write_graph(triples: list[ox.Triple], fmt: str, prefixes: dict[str, str]) -> bytes:
    """A CONSTRUCT or DESCRIBE result in one of :data:`GRAPH_FORMATS`."""
    rdf_format = GRAPH_FORMATS[fmt]
    if rdf_format is ox.RdfFormat.N_QUADS:
        items: list[Any] = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
    else:
        items = triples
    chosen = prefixes if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(items, format=rdf_format, prefixes=chosen) or b""
