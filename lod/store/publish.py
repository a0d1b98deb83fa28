"""Publishing a build to a remote store: only what changed, each record graph replaced by one ``PUT``.

A build is made and validated in a local store first, as on one machine. Publishing then writes
to the remote store the record graphs whose digest differs from what the store holds (all of them
the first time), removes the record graphs the build no longer has, and keeps the store's default
graph the merge of every record graph, as the embedded store does:

- many changes (or a store that holds none of our records): every graph is ``PUT``, then one
  update clears the default graph and fills it again from the record graphs, in one transaction;
- a few: for each record, one update removes from the default graph the triples only that record
  had, then its graph is ``PUT``, then one update adds its triples to the default graph.

Readers see the old or the new graph of each record. A journal (``var/publish-journal.json``) names
the graphs being written; if publishing stops, the next build writes them again, so running it
again converges, and ``PUT`` replacing whole graphs leaves no duplicates.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from lod.errors import BuildError, LodError, StoreUnavailable
from lod.store.remote import RemoteStore
from lod.uris import Uris

JOURNAL = "publish-journal.json"
BULK_SHARE = 0.2  # above this share of records changed, the default graph is rebuilt in one update


@dataclass(frozen=True)
class Published:
    """What publishing wrote and removed."""

    written: int
    removed: int

    def __str__(self) -> str:
        return f"{self.written} record graphs written, {self.removed} removed"


def publish(
    local: ox.Store,
    remote: RemoteStore,
    uris: Uris,
    records: dict[str, str],
    before: dict[str, str],
    var_dir: Path,
    progress: Callable[[str], None],
) -> Published:
    """Make ``remote`` hold exactly the record graphs of ``local``.

    ``records`` maps each record IRI to its digest; ``before`` is what the store held after the last
    build published to it (empty when unknown).
    """
    journal = var_dir / JOURNAL
    unfinished = _unfinished(journal, remote)
    held = remote_graphs(remote, uris)
    graph_of = {iri: uris.graph_of(iri) or iri for iri in records}
    writing = sorted(
        iri for iri in records if before.get(iri) != records[iri] or graph_of[iri] not in held or iri in unfinished
    )
    wanted = set(graph_of.values())
    removing = sorted(g for g in held if g not in wanted)
    journal.write_text(json.dumps({"store": remote.endpoints.update, "records": writing, "graphs": removing}))
    bulk = not (held & wanted) or len(writing) + len(removing) > BULK_SHARE * max(1, len(records))
    progress(
        f"publishing to {remote.endpoints.graphs}: {len(writing)} record graphs to write, {len(removing)} to remove"
    )
    done = 0
    try:
        for graph in removing:
            if not bulk:
                remote.update(_forget(graph))
            remote.delete_graph(graph)
            done += 1
        for n, iri in enumerate(writing, start=1):
            graph = graph_of[iri]
            triples = [q.triple for q in local.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
            if not bulk:
                remote.update(_forget(graph))
            remote.put_graph(graph, triples)
            if not bulk:
                remote.update(f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}")
            done += 1
            if n % 5000 == 0:
                progress(f"published {n} of {len(writing)} record graphs")
        if bulk:
            progress("publishing: the default graph, the merge of every record graph")
            remote.update(
                "CLEAR DEFAULT ; INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
                f'FILTER (STRSTARTS(STR(?g), "{uris.base}data/")) }}'
            )
    except (StoreUnavailable, LodError) as err:
        raise BuildError(
            f"publishing stopped after {done} of {len(writing) + len(removing)} record graphs ({err}); "
            "the served build is unchanged, but the store may hold some of the new records: "
            "run `lod build` again to finish"
        ) from None
    journal.unlink()
    return Published(len(writing), len(removing))


def remote_graphs(remote: RemoteStore, uris: Uris) -> set[str]:
    """The record graphs the remote store holds (graphs under ``{base}data/``; others are not ours)."""
    found = remote.query(
        f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{uris.base}data/")) }}'
    )
    assert isinstance(found, ox.QuerySolutions)
    return {row["g"].value for row in found}


def _forget(graph: str) -> str:
    """The update that removes from the default graph the triples only this record graph has."""
    name = ox.NamedNode(graph)
    return (
        f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != {name}) }} }}"
    )


def _unfinished(journal: Path, remote: RemoteStore) -> set[str]:
    """The records an interrupted publication to this store was writing or removing."""
    if not journal.exists():
        return set()
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
    except ValueError:
        return set()
    if data.get("store") != remote.endpoints.update:
        return set()
    return set(data.get("records", []))
