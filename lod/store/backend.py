"""The store seam: the embedded pyoxigraph store, or any SPARQL 1.1 server, answering the same questions.

Both give the served build (its record, lists, change log and dumps, in ``var/``) and answer
queries on the default graph, the merge of every record: a ``SELECT`` as pyoxigraph's
``QuerySolutions``, an ``ASK`` as a ``QueryBoolean``, a ``CONSTRUCT`` or ``DESCRIBE`` as triples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from lod.settings import Settings
from lod.store.embedded import Build, EmbeddedStore
from lod.store.queries import Queryable
from lod.store.remote import Endpoints, RemoteStore


class Store(Protocol):
    """What the web layer asks of a store."""

    var_dir: Path

    def current(self) -> tuple[Queryable, Build]: ...

    @property
    def build(self) -> Build: ...

    def graph_quads(self, graph: str) -> list[ox.Quad]: ...

    def has_graph(self, graph: str) -> bool: ...

    def query(self, sparql: str) -> Any: ...

    def is_up(self) -> bool: ...


def open_store(settings: Settings, check_base: bool = True) -> Store:
    """The store the settings name: remote when ``store_url`` (or ``store_query_url``) is set."""
    base = settings.base if check_base else None
    endpoints = Endpoints.of(settings)
    if endpoints is not None:
        return RemoteStore(Path(settings.var_dir), endpoints, base)
    return EmbeddedStore(Path(settings.var_dir), base)
