"""SPARQL queries run in worker processes that are killed when they run out of time.

pyoxigraph cannot be interrupted once it computes a result (an ORDER BY, a GROUP BY, a cartesian
product compute everything before the first row), and it holds the interpreter while it does. So
each query runs in a worker process of its own pool: the server waits at most the time limit, then
kills the worker, which frees its CPU and memory at once, and starts another. Workers open the
served store read-only, follow ``var/current`` to new builds, and, unless remote ``SERVICE`` calls
are allow-listed, live in a network namespace of their own with no way out (where the system lets
them make one).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from lod.store.embedded import CURRENT
from lod.store.results import (
    TooManyRows,
    distinct_triples,
    rows,
    write_boolean,
    write_graph,
    write_solutions,
)

log = logging.getLogger("lod.sparql")
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
PlainTerm = tuple[str, str, str | None, str | None]


@dataclass(frozen=True)
class QueryJob:
    """A query to run and the formats the client accepts for each kind of result."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    solutions_format: str | None = "json"
    graph_format: str | None = "ttl"
    prefixes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class QueryOutcome:
    """What came of a query: ``ok`` with a body (or a table for HTML), or why not."""

    status: str
    kind: str | None = None
    format: str | None = None
    body: bytes = b""
    message: str = ""
    names: tuple[str, ...] = ()
    table: tuple[tuple[PlainTerm | None, ...], ...] = ()
    build: str = ""


class QueryTimeout(Exception):
    """The query ran out of time and its worker was stopped."""


class Busy(Exception):
    """Every worker is busy and the queue is full."""


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


def execute(store: ox.Store, job: QueryJob, max_rows: int) -> QueryOutcome:
    """Run one query on an open store and write its result in the accepted format."""
    options: dict[str, Any] = {}
    if job.default_graphs or job.named_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    try:
        result = store.query(job.query, **options)
        if isinstance(result, ox.QueryBoolean):
            if job.solutions_format is None:
                return QueryOutcome("not-acceptable", "boolean")
            if job.solutions_format == "html":
                return QueryOutcome(
                    "ok",
                    "boolean",
                    "html",
                    names=("boolean",),
                    table=((_plain(ox.Literal(str(bool(result)).lower())),),),
                )
            return QueryOutcome(
                "ok", "boolean", job.solutions_format, write_boolean(bool(result), job.solutions_format)
            )
        if isinstance(result, ox.QuerySolutions):
            if job.solutions_format is None:
                return QueryOutcome("not-acceptable", "solutions")
            names, table = rows(result, max_rows)
            if job.solutions_format == "html":
                plain = tuple(tuple(_plain(t) for t in row) for row in table)
                return QueryOutcome("ok", "solutions", "html", names=tuple(names), table=plain)
            return QueryOutcome(
                "ok", "solutions", job.solutions_format, write_solutions(names, table, job.solutions_format)
            )
        if job.graph_format is None:
            return QueryOutcome("not-acceptable", "graph")
        triples = distinct_triples(result, max_rows)
        if job.graph_format == "html":
            plain = tuple((_plain(t.subject), _plain(t.predicate), _plain(t.object)) for t in triples)
            return QueryOutcome("ok", "graph", "html", names=("subject", "predicate", "object"), table=plain)
        body = write_graph(triples, job.graph_format, dict(job.prefixes))
        return QueryOutcome("ok", "graph", job.graph_format, body)
    except SyntaxError as err:
        return QueryOutcome("syntax", message=str(err))
    except TooManyRows as err:
        return QueryOutcome("too-many-rows", message=f"the result has more than {err.args[0]} rows")
    except (OSError, RuntimeError, ValueError) as err:
        return QueryOutcome("error", message=f"the query failed: {err}")


def _isolate() -> bool:
    """Leave the network: a new network namespace has only a loopback that is down."""
    libc = ctypes.CDLL(None, use_errno=True)
    return any(libc.unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))


def _worker_main(conn: Connection, var_dir: str, isolate: bool, max_rows: int) -> None:
    isolated = _isolate() if isolate else False
    conn.send(("ready", isolated))
    store: ox.Store | None = None
    target = ""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            now = os.readlink(Path(var_dir) / CURRENT)
            if store is None or now != target:
                store = ox.Store.read_only(str(Path(var_dir) / now / "store"))
                target = now
            outcome = execute(store, job, max_rows)
            outcome = QueryOutcome(**{**outcome.__dict__, "build": Path(target).name})
        except OSError as err:
            outcome = QueryOutcome("unavailable", message=f"no store to query: {err}")
        conn.send(outcome)


@dataclass
class _Worker:
    process: Any
    conn: Connection


@dataclass
class QueryPool:
    """A fixed number of query worker processes, a bounded queue, and a time limit per query."""

    var_dir: Path
    size: int = 2
    timeout: float = 10.0
    max_rows: int = 10_000
    queue_limit: int = 8
    isolate: bool = True
    _idle: queue.Queue[_Worker] = field(default_factory=queue.Queue)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _waiting: int = 0
    _started: bool = False
    _closed: bool = False
    _respawning: list[threading.Thread] = field(default_factory=list)
    isolated: bool | None = None

    def _spawn(self) -> _Worker:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_worker_main, args=(child, str(self.var_dir), self.isolate, self.max_rows), daemon=True
        )
        process.start()
        child.close()
        _, isolated = parent.recv()
        if self.isolate and not isolated and self.isolated is None:
            log.warning(
                "query workers could not leave the network (no permission); SERVICE is refused by the check alone"
            )
        self.isolated = isolated
        return _Worker(process, parent)

    def start(self) -> None:
        """Start the workers (also done on first use)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def run(self, job: QueryJob) -> QueryOutcome:
        """Run a query on an idle worker; :class:`Busy` when too many wait, :class:`QueryTimeout`."""
        self.start()
        with self._lock:
            if self._waiting >= self.size + self.queue_limit:
                raise Busy(f"{self._waiting} queries are running or waiting")
            self._waiting += 1
        deadline = time.monotonic() + self.timeout
        try:
            try:
                worker = self._idle.get(timeout=self.timeout)
            except queue.Empty:
                raise Busy("no query worker became free in time") from None
            worker.conn.send(job)
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                try:
                    outcome: QueryOutcome = worker.conn.recv()
                except (EOFError, OSError):
                    self._replace(worker)
                    return QueryOutcome("error", message="the query worker stopped")
                self._idle.put(worker)
                return outcome
            self._replace(worker)
            raise QueryTimeout(f"the query ran for more than {self.timeout:g} s and was stopped")
        finally:
            with self._lock:
                self._waiting -= 1

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker (its CPU and memory are freed at once) and start another in the background."""
        worker.process.kill()
        worker.conn.close()

        def respawn() -> None:
            worker.process.join(timeout=5)
            with self._lock:
                if self._closed:
                    return
            self._idle.put(self._spawn())

        thread = threading.Thread(target=respawn, daemon=True)
        self._respawning.append(thread)
        thread.start()

    def close(self) -> None:
        """Stop every worker (waiting for replacements being started)."""
        with self._lock:
            self._closed = True
        for thread in self._respawning:
            thread.join(timeout=30)
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.process.kill()
            worker.process.join(timeout=5)
