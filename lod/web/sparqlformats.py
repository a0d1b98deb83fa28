"""The formats of SPARQL results, negotiated with the same function as records.

>>> negotiate("*/*", SOLUTIONS).format.name, negotiate("*/*", GRAPHS).format.name
('json', 'ttl')
>>> negotiate("text/csv", SOLUTIONS).format.media_type
'text/csv'
"""

from __future__ import annotations

from lod.web.conneg import HTML, JSONLD, NQUADS, NTRIPLES, RDFXML, TURTLE, Format, negotiate

JSON = Format("json", "application/sparql-results+json", "SPARQL JSON", ("application/json",))
XML = Format("xml", "application/sparql-results+xml", "SPARQL XML", ("application/xml", "text/xml"))
CSV = Format("csv", "text/csv", "CSV")
TSV = Format("tsv", "text/tab-separated-values", "TSV")
SOLUTIONS: tuple[Format, ...] = (JSON, XML, CSV, TSV, HTML)
GRAPHS: tuple[Format, ...] = (TURTLE, JSONLD, NTRIPLES, NQUADS, RDFXML, HTML)
DESCRIPTION: tuple[Format, ...] = (TURTLE, HTML, JSONLD, NTRIPLES, RDFXML)


def content_type(fmt: Format) -> str:
    """The exact Content-Type: a charset only on text types."""
    if fmt.media_type.startswith("text/"):
        return f"{fmt.media_type}; charset=utf-8"
    return fmt.media_type


__all__ = ["CSV", "DESCRIPTION", "GRAPHS", "JSON", "SOLUTIONS", "TSV", "XML", "content_type", "negotiate"]
