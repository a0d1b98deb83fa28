"""SPARQL result bodies: the engine writes them, the row cap and the byte limit are exact."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest

from lod.store.results import SOLUTION_FORMATS, TooLarge, TooManyRows, count_rows, most_rows, write_solutions

# Values that look like row separators in one format or another.
AWKWARD = ["plain", "two\nlines", 'a "quote"', "<result>", '},{"x":', "tab\there", "and,\r\nCRLF", "", "{} here"]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    p = ox.NamedNode("http://example.org/p")
    for n in range(300):
        value = ox.Literal(AWKWARD[n % len(AWKWARD)] + str(n), language="en" if n % 3 else None)
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{n}"), p, value))
    return store


def select(store: ox.Store) -> ox.QuerySolutions:
    result = store.query("SELECT ?s ?o ?missing WHERE { ?s ?p ?o OPTIONAL { ?s <urn:none> ?missing } }")
    assert isinstance(result, ox.QuerySolutions)
    return result


def parsed_rows(body: bytes, fmt: str) -> int:
    """The row count by a full parser of each format, to check the counter against."""
    if fmt == "csv":
        return len(list(csv.reader(io.StringIO(body.decode())))) - 1
    return sum(1 for _ in ox.parse_query_results(body, format=SOLUTION_FORMATS[fmt]))  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", sorted(SOLUTION_FORMATS))
def test_rows_are_counted_exactly_in_every_format(store: ox.Store, fmt: str) -> None:
    body = write_solutions(select(store), fmt, max_rows=300, max_bytes=10**9)
    assert count_rows(body, fmt) == parsed_rows(body, fmt) == 300
    assert most_rows(body, fmt) >= 300


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_the_quick_bound_is_exact_without_empty_rows(store: ox.Store, fmt: str) -> None:
    result = store.query("SELECT ?s ?o WHERE { ?s ?p ?o FILTER (!CONTAINS(STR(?o), '{}')) }")
    body = write_solutions(result, fmt, max_rows=300, max_bytes=10**9)  # type: ignore[arg-type]
    assert most_rows(body, fmt) == parsed_rows(body, fmt) > 250


def test_empty_rows_are_counted(store: ox.Store) -> None:
    result = store.query("SELECT ?nothing WHERE { ?s ?p ?o OPTIONAL { ?s <urn:none> ?nothing } }")
    assert isinstance(result, ox.QuerySolutions)
    body = write_solutions(result, "json", max_rows=300, max_bytes=10**9)
    assert most_rows(body, "json") == count_rows(body, "json") == 300
    with pytest.raises(TooManyRows):
        write_solutions(store.query("SELECT ?nothing WHERE { ?s ?p ?o }"), "json", max_rows=299, max_bytes=10**9)  # type: ignore[arg-type]


@pytest.mark.parametrize("fmt", sorted(SOLUTION_FORMATS))
def test_one_row_over_the_cap_is_refused(store: ox.Store, fmt: str) -> None:
    with pytest.raises(TooManyRows):
        write_solutions(select(store), fmt, max_rows=299, max_bytes=10**9)


def test_a_body_over_the_byte_limit_stops_the_writer(store: ox.Store) -> None:
    full = write_solutions(select(store), "json", max_rows=300, max_bytes=10**9)
    with pytest.raises(TooLarge):
        write_solutions(select(store), "json", max_rows=300, max_bytes=len(full) - 1)
    assert write_solutions(select(store), "json", max_rows=300, max_bytes=len(full)) == full
