"""``lod build``: read and validate every record, write a new store, switch to it atomically.

Nothing is switched unless every step succeeded; a killed build leaves a partial directory
that the next build sweeps away, and ``var/current`` still points at the previous store.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from lod.errors import BuildError, ValidationFailed, Violation
from lod.model.dataset import read_records
from lod.model.records import Record
from lod.model.terms import to_oxigraph
from lod.model.validation import validate
from lod.settings import Settings
from lod.store.embedded import CURRENT, LISTS, META, STORES
from lod.uris import Uris
from lod.vocab import CRM, OA, RDF, RDFS, SKOS

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    """What a finished build made."""

    id: str
    path: Path
    records: int
    triples: int


def build(settings: Settings, progress: Progress = lambda message: None) -> BuildResult:
    """Build ``settings.data_dir`` into a new store under ``settings.var_dir`` and switch to it."""
    uris = Uris(settings.base)
    var_dir = Path(settings.var_dir)
    (var_dir / STORES).mkdir(parents=True, exist_ok=True)
    with _exclusive(var_dir):
        _sweep(var_dir, progress)
        progress(f"reading records from {settings.data_dir}/")
        loaded = read_records(Path(settings.data_dir), uris)
        if loaded.violations:
            raise ValidationFailed(loaded.violations)
        if not loaded.records:
            raise BuildError(f"no records in {settings.data_dir}/: nothing to build")
        records, dangling = with_references(loaded.records, uris)
        if dangling:
            raise ValidationFailed(dangling)
        progress(f"validating {len(records)} records against the SHACL shapes")
        violations = validate(records, uris)
        if violations:
            raise ValidationFailed(violations)
        build_id = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = var_dir / STORES / build_id
        triples = _load(path, records, uris, progress)
        meta = {
            "id": build_id,
            "base": settings.base,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "records": len(records),
            "triples": triples,
            "kinds": _count_kinds(records),
            "examples": _examples(records),
        }
        _write_lists(path, records, uris)
        (path / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        _switch(var_dir, path)
        progress(f"switched {var_dir}/{CURRENT} to build {build_id}")
        _prune(var_dir, settings.keep_stores)
        return BuildResult(build_id, path, len(records), triples)


def with_references(records: list[Record], uris: Uris) -> tuple[list[Record], list[Violation]]:
    """Each record's graph plus the type and label of every record it references.

    A Linked Art reference is ``{id, type, _label}``; carrying those triples in the referring
    record's graph keeps its JSON-LD and its named graph the same data. A reference to an IRI
    under the base that no record defines is a violation.
    """
    main: dict[str, Record] = {uris.thing(r.kind, r.slug): r for r in records}
    subjects = {str(s) for r in records for s in r.graph.subjects()}
    problems = []
    out = []
    for record in records:
        me = uris.thing(record.kind, record.slug)
        graph = record.graph
        added = []
        for obj in set(graph.objects()):
            if not isinstance(obj, URIRef) or not str(obj).startswith(uris.base):
                continue
            target = str(obj)
            if target == me or target.startswith(me + "#"):
                continue
            if target in main:
                other = main[target].graph
                added += [(obj, RDF.type, t) for t in _reference_types(set(other.objects(obj, RDF.type)))]
                added += [(obj, RDFS.label, label) for label in other.objects(obj, RDFS.label)]
            elif target not in subjects:
                problems.append(
                    Violation(
                        f"{record.kind}/{record.slug}",
                        "reference",
                        f"refers to <{target}>, which no record defines",
                    )
                )
        for triple in added:
            graph.add(triple)
        out.append(record)
    return out, problems


#: A reference carries one class, the one Linked Art names it by (a document is a LinguisticObject).
_REFERENCE_CLASSES = [
    CRM.E21_Person,
    CRM.E74_Group,
    CRM.E53_Place,
    CRM.E7_Activity,
    CRM.E5_Event,
    CRM.E33_Linguistic_Object,
    CRM.E56_Language,
    CRM.E58_Measurement_Unit,
    CRM.E55_Type,
    OA.Annotation,
    SKOS.ConceptScheme,
]


def _reference_types(types: set[Any]) -> list[Any]:
    return [next((c for c in _REFERENCE_CLASSES if c in types), sorted(types)[0])] if types else []


def _quads(records: list[Record], uris: Uris) -> Iterator[ox.Quad]:
    """Each triple in its record's graph, and once in the default graph.

    The default graph is the RDF merge of all record graphs: a set, so a label carried by many
    records (as a reference) is one triple there, and queries without ``GRAPH`` see no duplicates.
    """
    default = ox.DefaultGraph()
    for record in records:
        graph = ox.NamedNode(uris.data(record.kind, record.slug))
        for s, p, o in record.graph:
            triple = (to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))
            yield ox.Quad(*triple, graph)  # type: ignore[arg-type]
            yield ox.Quad(*triple, default)  # type: ignore[arg-type]


def _load(path: Path, records: list[Record], uris: Uris, progress: Progress) -> int:
    total = sum(len(r.graph) for r in records)
    progress(f"loading {total} triples into {path}")
    started = time.monotonic()
    path.mkdir(parents=True)
    store = ox.Store(str(path / "store"))
    store.bulk_extend(_quads(records, uris))
    store.optimize()
    store.flush()
    del store
    progress(f"loaded in {time.monotonic() - started:.1f} s")
    return total


def _write_lists(path: Path, records: list[Record], uris: Uris) -> None:
    """One file per kind, ``slug<TAB>label`` sorted by label, for the paged lists at ``/id/{kind}/``."""
    lists = path / LISTS
    lists.mkdir()
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for record in records:
        label = record.graph.value(URIRef(uris.thing(record.kind, record.slug)), RDFS.label)
        text = " ".join(str(label).split()) if label is not None else record.slug
        by_kind.setdefault(record.kind, []).append((record.slug, text))
    for kind, rows in by_kind.items():
        rows.sort(key=lambda row: (row[1].lower(), row[0]))
        (lists / f"{kind}.tsv").write_text("".join(f"{slug}\t{label}\n" for slug, label in rows), encoding="utf-8")


def _examples(records: list[Record]) -> dict[str, str]:
    """One slug per kind for the landing page: the first in order."""
    examples: dict[str, str] = {}
    for record in sorted(records, key=lambda r: r.slug):
        examples.setdefault(record.kind, record.slug)
    return examples


def _count_kinds(records: list[Record]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        counts[record.kind] = counts.get(record.kind, 0) + 1
    return counts


class _exclusive:
    """One build at a time per ``var/`` directory."""

    def __init__(self, var_dir: Path) -> None:
        self.path = var_dir / "build.lock"

    def __enter__(self) -> None:
        self.file = self.path.open("w")
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.file.close()
            raise BuildError(f"another build is running on {self.path.parent}/ (lock {self.path})") from None

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


def _current_name(var_dir: Path) -> str | None:
    try:
        return Path(os.readlink(var_dir / CURRENT)).name
    except OSError:
        return None


def _sweep(var_dir: Path, progress: Progress) -> None:
    """Remove what killed builds left behind: store directories without a build record."""
    current = _current_name(var_dir)
    for path in (var_dir / STORES).iterdir():
        if path.name != current and not (path / META).exists():
            progress(f"removing the unfinished build {path}")
            shutil.rmtree(path, ignore_errors=True)


def _switch(var_dir: Path, path: Path) -> None:
    """Point ``var/current`` at the new build in one atomic rename."""
    temporary = var_dir / f"{CURRENT}.{os.getpid()}.tmp"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(Path(STORES) / path.name)
    os.replace(temporary, var_dir / CURRENT)
    directory = os.open(var_dir, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _prune(var_dir: Path, keep: int) -> None:
    """Keep the newest ``keep`` finished builds (the current one always)."""
    current = _current_name(var_dir)
    finished = sorted((p for p in (var_dir / STORES).iterdir() if (p / META).exists()), key=lambda p: p.name)
    for path in finished[: max(0, len(finished) - max(keep, 1))]:
        if path.name != current:
            shutil.rmtree(path, ignore_errors=True)
