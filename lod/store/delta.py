"""Changing some record graphs of a copied store, keeping its default graph the merge and its statistics exact.

An incremental build starts from a copy of the served store and replaces only the graphs of the
records that changed. A triple leaves the default graph when no record graph holds it any more,
and joins it when one does; every such step moves the VoID figures (triples, distinct subjects and
objects, class, property and linkset counts) by exactly what the ``COUNT`` queries of
:mod:`lod.store.statistics` would then give, without counting the whole store again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pyoxigraph as ox

from lod.store.statistics import LINK_PROPERTIES, TARGETS, Statistics
from lod.vocab import RDF

_DEFAULT = ox.DefaultGraph()
_TYPE = ox.NamedNode(str(RDF.type))
_LINKS = {ox.NamedNode(p) for p in LINK_PROPERTIES}


class GraphUpdate:
    """Replace record graphs in ``store``, then :meth:`finish` to settle the default graph."""

    def __init__(self, store: ox.Store, before: Statistics) -> None:
        self.store = store
        self.before = before
        self.leaving: set[ox.Triple] = set()
        self.joining: set[ox.Triple] = set()
        self.quads = 0  # how many more quads the record graphs hold than before

    def replace(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """The record graph ``graph`` holds exactly ``triples`` from now on (none: the record is gone)."""
        name = ox.NamedNode(graph)
        old = {q.triple for q in self.store.quads_for_pattern(None, None, None, name)}
        new = set(triples)
        if new:
            for t in old - new:
                self.store.remove(ox.Quad(t.subject, t.predicate, t.object, name))
        else:
            self.store.remove_graph(name)  # the graph itself goes, not only its triples
        self.leaving |= old - new
        for t in new - old:
            self.store.add(ox.Quad(t.subject, t.predicate, t.object, name))
            self.joining.add(t)
        self.quads += len(new) - len(old)

    def finish(self) -> Statistics:
        """Bring the default graph in line with the record graphs; the statistics after it."""
        counts = _Counts(self.before)
        for t in self.leaving:
            holders = self.store.quads_for_pattern(t.subject, t.predicate, t.object)
            if not any(q.graph_name != _DEFAULT for q in holders):
                self.store.remove(ox.Quad(t.subject, t.predicate, t.object, _DEFAULT))
                counts.leave(self.store, t)
        for t in self.joining:
            quad = ox.Quad(t.subject, t.predicate, t.object, _DEFAULT)
            if quad not in self.store:
                counts.join(self.store, t)
                self.store.add(quad)
        return counts.statistics()


class _Counts:
    def __init__(self, before: Statistics) -> None:
        self.triples = before.triples
        self.subjects = before.distinct_subjects
        self.objects = before.distinct_objects
        self.classes = Counter(before.classes)
        self.properties = Counter(before.properties)
        self.links = Counter({(target, p): n for target, p, n in before.links})

    def join(self, store: ox.Store, t: ox.Triple) -> None:
        """``t`` is about to join the default graph."""
        self.subjects += not _has(store, t.subject, None)
        self.objects += not _has(store, None, t.object)
        self._count(t, 1)

    def leave(self, store: ox.Store, t: ox.Triple) -> None:
        """``t`` has just left the default graph."""
        self.subjects -= not _has(store, t.subject, None)
        self.objects -= not _has(store, None, t.object)
        self._count(t, -1)

    def _count(self, t: ox.Triple, sign: int) -> None:
        self.triples += sign
        self.properties[t.predicate.value] += sign
        if t.predicate == _TYPE and not isinstance(t.object, ox.Triple):
            self.classes[t.object.value] += sign
        if t.predicate in _LINKS and isinstance(t.object, ox.NamedNode):
            for target, (_, prefix) in TARGETS.items():
                if t.object.value.startswith(prefix):
                    self.links[(target, t.predicate.value)] += sign

    def statistics(self) -> Statistics:
        return Statistics(
            triples=self.triples,
            distinct_subjects=self.subjects,
            distinct_objects=self.objects,
            classes={k: n for k, n in sorted(self.classes.items()) if n},
            properties={k: n for k, n in sorted(self.properties.items()) if n},
            links=[(target, p, n) for (target, p), n in sorted(self.links.items()) if n],
        )


def _has(store: ox.Store, subject: object, obj: object) -> bool:
    """Whether the default graph has a triple with this subject or object."""
    found = store.quads_for_pattern(subject, None, obj, _DEFAULT)  # type: ignore[arg-type]
    return next(iter(found), None) is not None
