"""The embedded store: pyoxigraph on disk, opened read-only, switched atomically by builds.

``var/current`` is a symbolic link to the served build in ``var/stores/``. A build writes a new
directory and then replaces the link in one ``rename``; readers notice the new target and open
it, so a failed or killed build never touches what is served.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from lod.errors import StoreUnavailable

CURRENT = "current"
STORES = "stores"
META = "build.json"
LISTS = "lists"
EMBEDDED = "embedded"  # build.json "store": where the records are served from (or the remote's query URL)


@dataclass(frozen=True)
class Build:
    """A built store and what its build recorded about it."""

    path: Path
    meta: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.meta.get("id", self.path.name))

    @property
    def modified(self) -> float:
        """When the build finished, as a POSIX timestamp (the Last-Modified of its records)."""
        return (self.path / META).stat().st_mtime

    def slugs(self, kind: str) -> list[tuple[str, str]]:
        """Every record of a kind as (slug, label), sorted by label."""
        path = self.path / LISTS / f"{kind}.tsv"
        if not path.exists():
            return []
        return _rows(path.read_text(encoding="utf-8"))

    def count(self, kind: str) -> int:
        """How many records of a kind there are (from the list's index: nothing else is read)."""
        index = self.path / LISTS / f"{kind}.idx"
        return index.stat().st_size // 8 if index.exists() else len(self.slugs(kind))

    def rows(self, kind: str, start: int, stop: int) -> list[tuple[str, str]]:
        """The records of a kind from position ``start`` to ``stop`` (exclusive), reading only those."""
        index, path = self.path / LISTS / f"{kind}.idx", self.path / LISTS / f"{kind}.tsv"
        if not index.exists():
            return self.slugs(kind)[start:stop]
        total = index.stat().st_size // 8
        if start >= total:
            return []
        with index.open("rb") as offsets:
            offsets.seek(start * 8)
            first = int.from_bytes(offsets.read(8), "little")
            offsets.seek(stop * 8)
            following = offsets.read(8)
        with path.open("rb") as rows:
            rows.seek(first)
            data = rows.read(int.from_bytes(following, "little") - first) if following else rows.read()
        return _rows(data.decode("utf-8"))


def _rows(text: str) -> list[tuple[str, str]]:
    return [tuple(line.split("\t", 1)) for line in text.splitlines()]  # type: ignore[misc]


def current_build(var_dir: Path) -> Build:
    """The build ``var/current`` points at, or :class:`StoreUnavailable`."""
    link = var_dir / CURRENT
    if not link.is_symlink() and not link.exists():
        raise StoreUnavailable(f"no built store in {var_dir}/ yet: run `lod build` first")
    path = (var_dir / os.readlink(link)) if link.is_symlink() else link
    meta_file = path / META
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise StoreUnavailable(f"the current store {path} is incomplete ({err}); run `lod build`") from None
    return Build(path, meta)


class EmbeddedStore:
    """The served store; reopens itself when a build switches ``var/current``."""

    def __init__(self, var_dir: Path, base: str | None = None) -> None:
        self.var_dir = var_dir
        self.base = base
        self._lock = threading.Lock()
        self._target: str | None = None
        self._store: ox.Store | None = None
        self._build: Build | None = None

    def _link_target(self) -> str:
        try:
            return os.readlink(self.var_dir / CURRENT)
        except OSError:
            raise StoreUnavailable(f"no built store in {self.var_dir}/ yet: run `lod build` first") from None

    def current(self) -> tuple[ox.Store, Build]:
        """The store and build currently served (reopened if a build switched them)."""
        target = self._link_target()
        if target != self._target or self._store is None or self._build is None:
            with self._lock:
                if target != self._target or self._store is None or self._build is None:
                    build = current_build(self.var_dir)
                    if self.base is not None and build.meta.get("base") != self.base:
                        raise StoreUnavailable(
                            f"the store in {self.var_dir}/ was built for base {build.meta.get('base')!r}, "
                            f"not {self.base!r}: run `lod build` with this base"
                        )
                    where = build.meta.get("store", EMBEDDED)
                    if where != EMBEDDED:
                        raise StoreUnavailable(
                            f"the served build was published to the store at {where}: serve it with --store-url"
                        )
                    try:
                        store = ox.Store.read_only(str(build.path / "store"))
                    except OSError as err:
                        raise StoreUnavailable(f"cannot open the store {build.path}: {err}") from None
                    self._store, self._build, self._target = store, build, target
        assert self._store is not None and self._build is not None
        return self._store, self._build

    @property
    def build(self) -> Build:
        return self.current()[1]

    def graph_quads(self, graph: str) -> list[ox.Quad]:
        """Every quad of one named graph (one record)."""
        store, _ = self.current()
        return list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def has_graph(self, graph: str) -> bool:
        store, _ = self.current()
        return store.contains_named_graph(ox.NamedNode(graph))

    def query(self, sparql: str) -> Any:
        """Run a SPARQL query; the default graph is the merge of all record graphs."""
        store, _ = self.current()
        return store.query(sparql)

    def is_up(self) -> bool:
        """Whether the served store can be opened."""
        try:
            self.current()
        except StoreUnavailable:
            return False
        return True
