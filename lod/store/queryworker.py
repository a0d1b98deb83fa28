"""One query worker process: reads a query from its socket, runs it, writes the result back.

Started by :class:`~lod.store.querypool.QueryPool` (which calls :func:`main`) with one end of a
socket pair. Messages both ways are a 4-byte length and a tuple in :mod:`marshal` form (plain
values only, and quick). The worker opens the
served store read-only, follows ``var/current`` to new builds and, when asked, first leaves the
network: a new network namespace has only a loopback that is down.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import marshal
import os
import signal
import socket
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox

from lod.store.embedded import CURRENT
from lod.store.results import TooLarge, TooManyRows, distinct_triples, rows, write_graph, write_solutions

CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
HEADER = struct.Struct("!I")
PlainTerm = tuple[str, str, str | None, str | None]


class QueryJob(NamedTuple):
    """A query to run and the formats the client accepts for each kind of result."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    solutions_format: str | None = "json"
    graph_format: str | None = "ttl"


class QueryOutcome(NamedTuple):
    """What came of a query: ``ok`` with a body (or a table for HTML), or why not."""

    status: str
    kind: str | None = None
    format: str | None = None
    body: bytes = b""
    message: str = ""
    names: tuple[str, ...] = ()
    table: tuple[tuple[PlainTerm | None, ...], ...] = ()
    build: str = ""


@dataclass(frozen=True)
class Writing:
    """How results are written: the row cap, the byte limit, the prefixes of Turtle and RDF/XML."""

    rows: int
    bytes: int
    prefixes: dict[str, str]


def _plain(term: Any) -> PlainTerm | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value, None, None)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value, None, None)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.datatype.value, term.language)
    return ("literal", str(term), None, None)


def execute(store: ox.Store, job: QueryJob, limits: Writing) -> QueryOutcome:
    """Run one query on an open store and write its result in the accepted format."""
    options: dict[str, Any] = {}
    if job.default_graphs or job.named_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        return outcome(store.query(job.query, **options), job, limits)
    except SyntaxError as err:
        return QueryOutcome("syntax", message=str(err))
    except (OSError, RuntimeError, ValueError) as err:
        return QueryOutcome("error", message=f"the query failed: {err}")


def outcome(result: Any, job: QueryJob, limits: Writing) -> QueryOutcome:
    """A query's result written in the format the client accepts, within the row cap and byte limit.

    ``result`` is what pyoxigraph gives (``QuerySolutions``, ``QueryBoolean``, ``QueryTriples``) or,
    from a remote store, a list of triples.
    """
    try:
        if isinstance(result, (ox.QueryBoolean, ox.QuerySolutions)):
            kind = "boolean" if isinstance(result, ox.QueryBoolean) else "solutions"
            if job.solutions_format is None:
                return QueryOutcome("not-acceptable", kind)
            if job.solutions_format != "html":
                body = write_solutions(result, job.solutions_format, limits.rows, limits.bytes)
                return QueryOutcome("ok", kind, job.solutions_format, body)
            if isinstance(result, ox.QueryBoolean):
                value = ox.Literal(str(bool(result)).lower())
                return QueryOutcome("ok", kind, "html", names=("boolean",), table=((_plain(value),),))
            names, table = rows(result, limits.rows)
            plain = tuple(tuple(_plain(t) for t in row) for row in table)
            return QueryOutcome("ok", kind, "html", names=tuple(names), table=plain)
        if job.graph_format is None:
            return QueryOutcome("not-acceptable", "graph")
        triples = distinct_triples(result, limits.rows)
        if job.graph_format == "html":
            plain = tuple((_plain(t.subject), _plain(t.predicate), _plain(t.object)) for t in triples)
            return QueryOutcome("ok", "graph", "html", names=("subject", "predicate", "object"), table=plain)
        body = write_graph(triples, job.graph_format, limits.prefixes, limits.bytes)
        return QueryOutcome("ok", "graph", job.graph_format, body)
    except TooManyRows as err:
        return QueryOutcome("too-many-rows", message=f"the result has more than {err.args[0]} rows")
    except TooLarge as err:
        return QueryOutcome("too-many-rows", message=f"the result is longer than {err.args[0]:,} bytes")


def send(sock: socket.socket, item: tuple[Any, ...]) -> None:
    data = marshal.dumps(tuple(item))
    sock.sendall(HEADER.pack(len(data)) + data)


def receive(sock: socket.socket) -> tuple[Any, ...]:
    """The next message, or EOFError when the other end is gone."""
    header = _exactly(sock, HEADER.size)
    return marshal.loads(_exactly(sock, HEADER.unpack(header)[0]))  # type: ignore[no-any-return]


def _exactly(sock: socket.socket, size: int) -> bytes:
    chunks, missing = [], size
    while missing:
        chunk = sock.recv(missing)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def isolate() -> bool:
    """Leave the network, when the system allows it."""
    libc = ctypes.CDLL(None, use_errno=True)
    return any(libc.unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))


class Served:
    """The served store, opened read-only, and opened again when ``var/current`` moves on."""

    def __init__(self, var_dir: Path) -> None:
        self.var_dir = var_dir
        self.current = str(var_dir / CURRENT)
        self.target = ""
        self.store: ox.Store | None = None

    def open(self) -> tuple[ox.Store, str]:
        """The store and its build id, or OSError when there is none."""
        now = os.readlink(self.current)
        if self.store is None or now != self.target:
            self.store = ox.Store.read_only(str(self.var_dir / now / "store"))
            self.target = now
        return self.store, Path(now).name


def serve(sock: socket.socket, served: Served, limits: Writing) -> None:
    """Answer jobs until the pool closes the socket."""
    while True:
        try:
            job = QueryJob(*receive(sock))
        except (EOFError, OSError):
            return
        try:
            store, build = served.open()
            outcome = execute(store, job, limits)._replace(build=build)
        except OSError as err:
            outcome = QueryOutcome("unavailable", message=f"no store to query: {err}")
        send(sock, outcome)


def main(argv: list[str]) -> None:
    fd, var_dir, leave_network, max_rows, max_bytes, prefixes = argv
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the pool stops its workers; Ctrl-C is for the server
    sock = socket.socket(fileno=int(fd))
    isolated = isolate() if leave_network == "1" else False
    served = Served(Path(var_dir))
    with contextlib.suppress(OSError):  # open it now, so the first query is not the slow one
        served.open()[0].query("ASK { ?s ?p ?o }")
    send(sock, ("ready", isolated))
    serve(sock, served, Writing(int(max_rows), int(max_bytes), json.loads(prefixes)))
