"""``lod build``: read every record, check and validate it, write a new store, switch to it atomically.

The records are streamed from ``triples/`` into a new pyoxigraph store (each record its own named
graph, and each triple once more in the default graph, the merge of all records). The store then
gets the type and label of every record each record refers to, and the SHACL shapes, compiled to
SPARQL, run on it. Nothing is switched unless every step succeeded; a failed build removes its
directory, and a killed one leaves a partial directory that the next build sweeps away.
"""

from __future__ import annotations

import datetime
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from lod.errors import BuildError, ValidationFailed, Violation
from lod.model.dataset import REDIRECTS, RawRecord, read_redirects, scan
from lod.model.shacl import Check, compile_shapes, violations
from lod.settings import Settings
from lod.store.changes import combined, digest, digests, record_changes
from lod.store.dumps import FOLDER, Dump, write_dumps
from lod.store.embedded import CURRENT, EMBEDDED, LISTS, META, STORES
from lod.store.publish import publish
from lod.store.remote import Endpoints, RemoteStore
from lod.store.statistics import Statistics, statistics
from lod.uris import Uris
from lod.vocab import CRM, OA, RDF, RDFS, SKOS

Progress = Callable[[str], None]
BATCH = 200_000

#: A reference carries one class, the one Linked Art names it by (a document is a LinguisticObject).
REFERENCE_CLASSES = [
    str(c)
    for c in (
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
    )
]
_TYPE = ox.NamedNode(str(RDF.type))
_LABEL = ox.NamedNode(str(RDFS.label))

SELECTOR_CHECK = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX crm: <http://www.cidoc-crm.org/cidoc-crm/>
SELECT ?target ?start ?end ?exact WHERE {
    ?target oa:hasSource ?source ; oa:hasSelector ?quote, ?position .
    ?source crm:P190_has_symbolic_content ?content .
    ?quote oa:exact ?exact . ?position oa:start ?start ; oa:end ?end .
    FILTER (SUBSTR(?content, ?start + 1, ?end - ?start) != ?exact)
}"""


@dataclass(frozen=True)
class BuildResult:
    """What a finished build made."""

    id: str
    path: Path
    records: int
    triples: int


@dataclass
class _Main:
    """What other records may say about a record: its class and its label."""

    kind: str
    slug: str
    types: list[str]
    label: str | None


@dataclass
class _Loaded:
    mains: dict[str, _Main] = field(default_factory=dict)
    references: dict[str, set[str]] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    triples: int = 0
    problems: list[Violation] = field(default_factory=list)
    statistics: Statistics = field(default_factory=Statistics)
    dumps: list[Dump] = field(default_factory=list)


def build(settings: Settings, progress: Progress = lambda message: None, switch: bool = True) -> BuildResult:
    """Build ``settings.data_dir`` into a new store under ``settings.var_dir`` and switch to it.

    With ``switch=False`` everything is checked and validated, then the new store is removed.
    """
    uris = Uris(settings.base)
    var_dir = Path(settings.var_dir)
    (var_dir / STORES).mkdir(parents=True, exist_ok=True)
    with _exclusive(var_dir):
        _sweep(var_dir, progress)
        build_id = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = var_dir / STORES / build_id
        path.mkdir()
        try:
            loaded = _build_into(path, settings, uris, progress)
            if not switch:
                shutil.rmtree(path, ignore_errors=True)
                return BuildResult(build_id, path, len(loaded.mains), loaded.triples)
            previous = _current_name(var_dir)
            previous_path = var_dir / STORES / previous if previous else None
            store = _publish(path, settings, uris, loaded, previous_path, progress)
            end_time = datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            records = {iri: (main.kind, loaded.digests[iri]) for iri, main in loaded.mains.items()}
            summary = record_changes(path, previous_path, records, loaded.redirects, build_id, end_time)
            progress(f"changes since the served build: {summary}")
            _write_lists(path, loaded)
            meta = _meta(build_id, settings.base, end_time, store, loaded)
            (path / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise
        _switch(var_dir, path)
        progress(f"switched {var_dir}/{CURRENT} to build {build_id}")
        _prune(var_dir, settings.keep_stores)
        return BuildResult(build_id, path, len(loaded.mains), loaded.triples)


def _meta(build_id: str, base: str, created: str, store: str, loaded: _Loaded) -> dict[str, object]:
    """The build's record, ``build.json``: what it holds, where, and what describes it."""
    kinds: dict[str, int] = {}
    for main in loaded.mains.values():
        kinds[main.kind] = kinds.get(main.kind, 0) + 1
    return {
        "id": build_id,
        "base": base,
        "created": created,
        "store": store,
        "records": len(loaded.mains),
        "triples": loaded.triples,
        "kinds": kinds,
        "examples": _examples(loaded),
        "statistics": loaded.statistics.as_dict(),
        "dumps": [dump.as_dict() for dump in loaded.dumps],
    }


def _publish(
    path: Path, settings: Settings, uris: Uris, loaded: _Loaded, previous: Path | None, progress: Progress
) -> str:
    """Publish the built records to the remote store, if one is set; where the records are served from."""
    endpoints = Endpoints.of(settings)
    if endpoints is None:
        return EMBEDDED
    remote = RemoteStore(Path(settings.var_dir), endpoints)
    published_before = previous is not None and _store_of(previous) == endpoints.query
    before = digests(previous) if previous is not None and published_before else {}
    local = ox.Store.read_only(str(path / "store"))
    records = {iri: loaded.digests[iri] for iri in loaded.mains}
    with remote.writing():
        published = publish(local, remote, uris, records, before, Path(settings.var_dir), progress)
    del local
    shutil.rmtree(path / "store")  # the records are served from the remote store now
    progress(f"published: {published}")
    return endpoints.query


def _store_of(build_path: Path) -> str | None:
    try:
        return str(json.loads((build_path / META).read_text(encoding="utf-8")).get("store", EMBEDDED))
    except (OSError, ValueError):
        return None


def _build_into(path: Path, settings: Settings, uris: Uris, progress: Progress) -> _Loaded:
    started = time.monotonic()
    store = ox.Store(str(path / "store"))
    progress(f"reading records from {settings.data_dir}/")
    loaded = _load(store, Path(settings.data_dir), uris, progress)
    _check_redirects(Path(settings.data_dir), uris, loaded)
    if loaded.problems:
        raise ValidationFailed(loaded.problems)
    if not loaded.mains:
        raise BuildError(f"no records in {settings.data_dir}/: nothing to build")
    progress(f"adding references ({len(loaded.references)} records refer to others)")
    _add_references(store, loaded, uris)
    if loaded.problems:
        raise ValidationFailed(loaded.problems)
    checks = compile_shapes(settings.base)
    progress(f"validating {len(loaded.mains)} records: {len(checks)} SHACL constraints and the text selectors")
    problems = validate_store(store, uris, checks)
    if problems:
        raise ValidationFailed(problems)
    progress("optimising the store")
    store.optimize()
    store.flush()
    progress("counting the dataset for its description")
    loaded.statistics = statistics(store)
    loaded.dumps = write_dumps(store, path / FOLDER, uris, progress)
    del store
    progress(f"built {len(loaded.mains)} records, {loaded.triples} triples in {time.monotonic() - started:.1f} s")
    return loaded


def _load(store: ox.Store, data_dir: Path, uris: Uris, progress: Progress) -> _Loaded:
    loaded = _Loaded()
    batch: list[ox.Quad] = []
    default = ox.DefaultGraph()
    for item in scan(data_dir, uris):
        if isinstance(item, Violation):
            loaded.problems.append(item)
            continue
        graph = ox.NamedNode(uris.data(item.kind, item.slug))
        _remember(item, uris, loaded)
        loaded.digests[uris.thing(item.kind, item.slug)] = digest(item.triples)
        for triple in item.triples:
            batch.append(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
            batch.append(ox.Quad(triple.subject, triple.predicate, triple.object, default))
        loaded.triples += len(item.triples)
        if len(batch) >= BATCH:
            store.bulk_extend(batch)
            batch = []
            progress(f"read {len(loaded.mains)} records, {loaded.triples} triples")
    store.bulk_extend(batch)
    return loaded


def _remember(record: RawRecord, uris: Uris, loaded: _Loaded) -> None:
    me = uris.thing(record.kind, record.slug)
    types: list[str] = []
    label: str | None = None
    references = set()
    for t in record.triples:
        if isinstance(t.subject, ox.NamedNode) and t.subject.value == me:
            if t.predicate == _TYPE and isinstance(t.object, ox.NamedNode):
                types.append(t.object.value)
            elif t.predicate == _LABEL and isinstance(t.object, ox.Literal) and label is None:
                label = t.object.value
        if isinstance(t.object, ox.NamedNode):
            value = t.object.value
            if value.startswith(uris.base) and value != me and not value.startswith(me + "#"):
                references.add(value)
    loaded.mains[me] = _Main(record.kind, record.slug, types, label)
    if references:
        loaded.references[uris.data(record.kind, record.slug)] = references


def _add_references(store: ox.Store, loaded: _Loaded, uris: Uris) -> None:
    """Each record's graph gets the class and label of every record it refers to."""
    batch: list[ox.Quad] = []
    for graph_name, references in loaded.references.items():
        graph = ox.NamedNode(graph_name)
        first = len(batch)
        for iri in sorted(references):
            main = loaded.mains.get(iri)
            if main is None:
                owner = uris.record_of(iri)
                if owner is None or uris.thing(*owner) not in loaded.mains:
                    found = uris.record_of(graph_name)
                    record = f"{found[0]}/{found[1]}" if found else graph_name
                    loaded.problems.append(
                        Violation(record, "reference", f"refers to <{iri}>, which no record defines")
                    )
                continue
            node = ox.NamedNode(iri)
            chosen = next((c for c in REFERENCE_CLASSES if c in main.types), min(main.types, default=None))
            if chosen is not None:
                batch.append(ox.Quad(node, _TYPE, ox.NamedNode(chosen), graph))
            if main.label is not None:
                batch.append(ox.Quad(node, _LABEL, ox.Literal(main.label), graph))
        kind_slug = uris.record_of(graph_name)
        assert kind_slug is not None
        me = uris.thing(*kind_slug)
        loaded.digests[me] = combined(loaded.digests[me], digest(q.triple for q in batch[first:]))
    store.bulk_extend(batch)
    loaded.triples += len(batch)


def _check_redirects(data_dir: Path, uris: Uris, loaded: _Loaded) -> None:
    """A merged record is no longer a record, and its survivor is one."""
    redirects, problems = read_redirects(data_dir, uris)
    loaded.problems += problems
    where = str(data_dir / REDIRECTS)
    for old, survivor in redirects.items():
        if old in loaded.mains:
            loaded.problems.append(Violation(where, "redirect", f"<{old}> is merged away but still a record"))
        elif survivor not in loaded.mains:
            loaded.problems.append(Violation(where, "redirect", f"<{old}> is merged into <{survivor}>, not a record"))
    loaded.redirects = redirects


def validate_store(store: ox.Store, uris: Uris, checks: list[Check]) -> list[Violation]:
    """Every SHACL violation and every quote that is not the text at its offsets, by record."""
    problems = []

    def owner(iri: str) -> str:
        found = uris.record_of(iri)
        return f"{found[0]}/{found[1]}" if found else iri

    for check, focus, value in violations(store, checks):
        where = f" (at <{focus}>{f', value {value}' if value else ''})"
        problems.append(Violation(owner(focus), check.rule, check.message + where))
    solutions = store.query(SELECTOR_CHECK)
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        start, end, exact = (solution[n].value for n in ("start", "end", "exact"))
        message = f"the text at {start}-{end} is not the quote {exact!r}"
        problems.append(Violation(owner(solution["target"].value), "Target/selectors", message))
    return sorted(set(problems), key=lambda v: (v.record, v.rule, v.message))


def _write_lists(path: Path, loaded: _Loaded) -> None:
    """One file per kind, ``slug<TAB>label`` sorted by label, for the paged lists at ``/id/{kind}/``."""
    lists = path / LISTS
    lists.mkdir()
    by_kind: dict[str, list[tuple[str, str]]] = {}
    for main in loaded.mains.values():
        text = " ".join(main.label.split()) if main.label else main.slug
        by_kind.setdefault(main.kind, []).append((main.slug, text))
    for kind, rows in by_kind.items():
        rows.sort(key=lambda row: (row[1].lower(), row[0]))
        (lists / f"{kind}.tsv").write_text("".join(f"{slug}\t{label}\n" for slug, label in rows), encoding="utf-8")


def _examples(loaded: _Loaded) -> dict[str, str]:
    """One slug per kind for the landing page: the first in order."""
    examples: dict[str, str] = {}
    for main in sorted(loaded.mains.values(), key=lambda m: m.slug):
        examples.setdefault(main.kind, main.slug)
    return examples


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
