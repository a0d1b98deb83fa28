"""``lod build``: read every record, check and validate it, write a new store, switch to it atomically.

Each record is its own named graph (its triples, and the class and label of every record it refers
to, :mod:`lod.store.graphs`), and each triple is once more in the default graph, the merge of all
records. The records are made and checked against the SHACL shapes, compiled to SPARQL, a few
files at a time on every core (:mod:`lod.store.graphs`); the first build streams them into a new
pyoxigraph store. Later builds take the previous build's catalogue over and read only the files
whose SHA-256 changed (:mod:`lod.store.catalogue`), make and check only those (and the files that
refer to a record that changed its class or label), start from a copy of the served store (hard
links, so it costs no time) and write only the record graphs that changed
(:mod:`lod.store.delta`); the dumps copy what the previous build's had of the other files.

Nothing is switched unless every step succeeded; a failed build removes its directory (and gives
the catalogue back as it was), and a killed one leaves a partial directory that the next build
sweeps away (once it has put the catalogue back).
"""

from __future__ import annotations

import array
import bisect
import contextlib
import ctypes
import datetime
import fcntl
import hashlib
import io
import itertools
import json
import mmap
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from lod.errors import BuildError, ValidationFailed, Violation
from lod.model.dataset import REDIRECTS, read_redirects
from lod.model.shacl import compile_shapes
from lod.search.index import FILE as NAMES
from lod.search.index import IndexWriter
from lod.settings import Settings
from lod.store.catalogue import FILE as CATALOGUE
from lod.store.catalogue import Catalogue, Previous, Reading, forget_journal, read_catalogue, read_data, recover
from lod.store.changes import record_changes
from lod.store.delta import GraphUpdate
from lod.store.dumps import FOLDER, Dump, DumpWriter
from lod.store.embedded import CURRENT, EMBEDDED, LISTS, META, STORES
from lod.store.graphs import Made, make_files, stale_files
from lod.store.publish import publish
from lod.store.remote import Endpoints, RemoteStore
from lod.store.statistics import Statistics, statistics
from lod.uris import KINDS, Uris

Progress = Callable[[str], None]
LOAD_AHEAD = 8  # pieces written and waiting to be loaded, at most (a piece: some 300 MB of N-Quads)
OLD_DUMP_CACHE = "cache/dumps.sqlite"  # where builds kept dump members before dumps/index.tsv
SPLICE_SHARE = 0.01  # a list is spliced when at most this share of its lines goes or comes, else sorted anew
Line = tuple[str, str | None]  # the slug and label of a record, as a list shows it
Moves = dict[str, tuple[list[Line], list[Line]]]  # by kind: the lines a rebuild takes out, those it puts in


@dataclass(frozen=True)
class BuildResult:
    """What a finished build made."""

    id: str
    path: Path
    records: int
    triples: int


@dataclass
class _Loaded:
    catalogue: Catalogue
    records: int = 0
    kinds: dict[str, int] = field(default_factory=dict)  # records by kind
    created: set[str] = field(default_factory=set)  # records a rebuild wrote that the previous build did not have
    removed: set[str] = field(default_factory=set)  # records of the previous build that are gone
    redirects: dict[str, str] = field(default_factory=dict)
    triples: int = 0
    statistics: Statistics = field(default_factory=Statistics)
    dumps: list[Dump] = field(default_factory=list)
    lists: Path | None = None  # the previous build, whose lists of the kinds not in ``moved`` are this one's
    moved: Moves = field(default_factory=dict)  # the lines of the lists that go and come
    touched: set[str] | None = None  # the records that may differ from the previous build's (None: any)


def build(
    settings: Settings, progress: Progress = lambda message: None, switch: bool = True, full: bool = False
) -> BuildResult:
    """Build ``settings.data_dir`` into a new store under ``settings.var_dir`` and switch to it.

    With ``switch=False`` everything is checked and validated, then the new store is removed. With
    ``full=True`` nothing is taken from the previous build: every file is read and every record
    validated.
    """
    uris = Uris(settings.base)
    var_dir = Path(settings.var_dir)
    (var_dir / STORES).mkdir(parents=True, exist_ok=True)
    with _exclusive(var_dir):
        _sweep(var_dir, progress)
        build_id = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = var_dir / STORES / build_id
        path.mkdir()
        previous = _current_name(var_dir)
        previous_path = var_dir / STORES / previous if previous else None
        loaded: _Loaded | None = None
        try:
            loaded = _build_into(path, settings, uris, progress, None if full else previous_path)
            if not switch:
                loaded.catalogue.abandon()
                shutil.rmtree(path, ignore_errors=True)
                return BuildResult(build_id, path, loaded.records, loaded.triples)
            store = _publish(path, settings, uris, loaded, previous_path, progress)
            end_time = datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            loaded.catalogue.commit()
            journaled = loaded.catalogue.journaled
            before = previous_path / CATALOGUE if previous_path and (previous_path / CATALOGUE).exists() else None
            summary = record_changes(
                path, previous_path, path / CATALOGUE, before, loaded.redirects, build_id, end_time, loaded.touched,
                journaled,
            )  # fmt: skip
            progress(f"changes since the served build: {summary}")
            _write_lists(path, loaded.catalogue, loaded.lists, loaded.moved, progress)
            meta = _meta(build_id, uris, end_time, store, loaded)
            (path / META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        except BaseException:
            if loaded is not None:
                loaded.catalogue.abandon()
            shutil.rmtree(path, ignore_errors=True)
            raise
        loaded.catalogue.close()
        _switch(var_dir, path)
        forget_journal(path)
        progress(f"switched {var_dir}/{CURRENT} to build {build_id}")
        _prune(var_dir, settings.keep_stores)
        return BuildResult(build_id, path, loaded.records, loaded.triples)


def _meta(build_id: str, uris: Uris, created: str, store: str, loaded: _Loaded) -> dict[str, object]:
    """The build's record, ``build.json``: what it holds, where, and what describes it."""
    return {
        "id": build_id,
        "base": uris.base,
        "recipe": RECIPE,
        "created": created,
        "store": store,
        "records": loaded.records,
        "triples": loaded.triples,
        "kinds": loaded.kinds,
        "examples": _examples(loaded.catalogue, uris),
        "statistics": loaded.statistics.as_dict(),
        "dumps": [dump.as_dict() for dump in loaded.dumps],
    }


def _kinds(loaded: _Loaded, start: Path | None, uris: Uris) -> dict[str, int]:
    """How many records of each kind the build has: counted in a full build, in a rebuild the
    previous build's counts with the records that appeared and went."""
    if start is None or loaded.touched is None:
        return dict(loaded.catalogue.db.execute("SELECT kind, COUNT(*) FROM record GROUP BY kind"))
    kinds = dict(json.loads((start / META).read_text(encoding="utf-8"))["kinds"])
    for records, step in ((loaded.created, 1), (loaded.removed, -1)):
        for iri in records:
            kind = (uris.record_of(iri) or ("",))[0]
            kinds[kind] = kinds.get(kind, 0) + step
    return {kind: count for kind, count in sorted(kinds.items()) if count}


def _examples(catalogue: Catalogue, uris: Uris) -> dict[str, str]:
    """The first slug of each kind, from the catalogue's index of IRIs (they share the kind's prefix)."""
    found = {}
    for kind in KINDS:
        prefix = uris.thing(kind, "")
        query = "SELECT MIN(iri) FROM record WHERE iri >= ? AND iri < ?"
        (first,) = catalogue.db.execute(query, (prefix, prefix[:-1] + "0")).fetchone()  # "0" follows "/"
        if first is not None:
            found[kind] = first[len(prefix) :]
    return dict(sorted(found.items()))


def _publish(
    path: Path, settings: Settings, uris: Uris, loaded: _Loaded, previous: Path | None, progress: Progress
) -> str:
    """Publish the built records to the remote store, if one is set; where the records are served from."""
    endpoints = Endpoints.of(settings)
    if endpoints is None:
        return EMBEDDED
    remote = RemoteStore(Path(settings.var_dir), endpoints)
    published_before = previous is not None and _store_of(previous) == endpoints.query
    before = _digests_of(previous) if previous is not None and published_before else {}
    local = ox.Store.read_only(str(path / "store"))
    records = {iri: value for iri, value in loaded.catalogue.rows("iri, digest")}
    with remote.writing():
        published = publish(local, remote, uris, records, before, Path(settings.var_dir), progress)
    del local
    shutil.rmtree(path / "store")  # the records are served from the remote store now
    progress(f"published: {published}")
    return endpoints.query


def _digests_of(build_path: Path) -> dict[str, str]:
    """The digest of every record of a build, by IRI, from its catalogue (none without one)."""
    catalogue = read_catalogue(build_path)
    if catalogue is None:
        return {}
    try:
        return {iri: value for iri, value in catalogue.rows("iri, digest")}
    finally:
        catalogue.close()


def _store_of(build_path: Path) -> str | None:
    try:
        return str(json.loads((build_path / META).read_text(encoding="utf-8")).get("store", EMBEDDED))
    except (OSError, ValueError):
        return None


def _build_into(path: Path, settings: Settings, uris: Uris, progress: Progress, previous: Path | None) -> _Loaded:
    """Read, make and check every record graph into ``path``: from a copy of the previous build's
    store when there is one to start from (only the records that changed are written), else anew."""
    started = time.monotonic()
    data_dir = Path(settings.data_dir)
    start = _starting_point(previous, settings.base)
    taken = read_catalogue(start) if start is not None else None
    progress(f"reading records from {data_dir}/" + (f", unchanged files as in build {start.name}" if start else ""))
    reading = read_data(data_dir, uris, taken, path / CATALOGUE)  # the previous build's catalogue moves here
    loaded = _Loaded(reading.catalogue, removed=reading.removed)
    before = reading.catalogue.previous() if reading.catalogue.journaled else None
    try:
        _stop_on(reading.problems + _check_redirects(data_dir, uris, loaded))
        if loaded.catalogue.db.execute("SELECT 1 FROM record LIMIT 1").fetchone() is None:
            raise BuildError(f"no records in {settings.data_dir}/: nothing to build")
        _make_into(path, settings, uris, progress, loaded, reading, start, before)
        loaded.kinds = _kinds(loaded, start, uris)
        loaded.records = sum(loaded.kinds.values())
    except BaseException:
        loaded.catalogue.abandon()
        raise
    progress(f"built {loaded.records} records, {loaded.triples} triples in {time.monotonic() - started:.1f} s")
    return loaded


def _make_into(
    path: Path,
    settings: Settings,
    uris: Uris,
    progress: Progress,
    loaded: _Loaded,
    reading: Reading,
    start: Path | None,
    before: Previous | None,
) -> None:
    data_dir = Path(settings.data_dir)
    catalogue = loaded.catalogue
    dumps = DumpWriter(path / FOLDER, list(catalogue.files), start / FOLDER if start and before else None)
    names = IndexWriter(path / NAMES, start / NAMES if start and before else None)
    problems: list[Violation] = []

    def keep(file: Made) -> None:
        """What the build keeps of a made file besides its graphs."""
        problems.extend(file.problems)
        catalogue.set_digests((iri, value) for iri, value, _, _ in file.records)
        dumps.add(file.name, file.members)
        names.add([iri for iri, *_ in file.records], file.names)

    try:
        stale = stale_files(catalogue, reading)
        if start is not None and not (dumps.reuses and names.reuses):
            what = "dumps" if not dumps.reuses else "name index"
            progress(f"the {what} of build {start.name} cannot be reused: every file is made again")
            stale = list(catalogue.files)
        files, parsed = len(catalogue.files), len(reading.parsed)
        checks = compile_shapes(settings.base)
        progress(
            f"{files} record files, {parsed} of them new or changed; making the records of {len(stale)}, "
            f"each checked against {len(checks)} SHACL constraints and the text selectors"
        )
        made = make_files(data_dir, uris, catalogue, stale, checks)  # the processes start before the store is opened
        if start is None or before is None:  # nothing to start from
            store = ox.Store(str(path / "store"))
            loaded.triples = _load(store, made, keep, progress, settings.load_piece, path / "loading")
            _stop_on(problems)
            names.finish()
            progress("counting the dataset for its description")
            loaded.statistics = statistics(store)
        else:
            ox.Store.read_only(str(start / "store")).backup(str(path / "store"))
            store = ox.Store(str(path / "store"))
            written = _update(store, made, keep, loaded, before, start, uris, progress)
            _stop_on(problems)
            loaded.touched = written.changed | loaded.removed  # the others have the digest of the previous catalogue
            loaded.lists = start if (start / LISTS).is_dir() else None
            loaded.moved = _moves(reading.moved or set(), before, catalogue)
            names.remove(loaded.removed)
            names.finish(_referred(written.made | loaded.removed, (before, catalogue)))
        store.flush()
        del store
        catalogue.settle()
        loaded.dumps = dumps.finish(progress)
    finally:
        with contextlib.suppress(OSError):  # closed by finish; after a failure they go with the build
            dumps.close()
        names.close()


def _load(
    store: ox.Store, made: Iterable[Made], keep: Callable[[Made], None], progress: Progress, piece: int, spool: Path
) -> int:
    """Bulk-load every record graph into ``store``, its own triples also into the default graph; how many triples.

    The N-Quads of the files are written to files of ``piece`` quads each (setting ``load_piece``;
    0: all in one) in ``spool``, which a :class:`_Loader` bulk-loads as they are closed.
    Pyoxigraph's bulk loader sorts a batch of a million quads on each of two threads while it reads
    the next batch: one load of everything peaked at 2.2 GB in a 10,000-document build (2.7 GB
    loading 106 million quads alone), pieces under one batch at 1.1 GB (1.5 GB), in the same time at
    10,000 documents (202 s against 197 s). Each piece goes into the store as it is loaded, and the
    store compacts it with what it holds, which costs more as the store grows: 106 million quads
    alone took 960 s in pieces against 800 s in one load, whose store then took 243 s to compact
    (pieces: 277 s). The N-Quads are pyoxigraph's own serialisation of terms it parsed and checked
    in the making processes, so the loader does not check their IRIs again (lenient): at 100,000
    documents that check was 42% of the loading thread's time (py-spy)."""
    count = 0
    spool.mkdir()
    loader = _Loader(store)
    pieces = _Pieces(spool, piece or sys.maxsize, loader.put)
    try:
        for number, file in enumerate(made, start=1):
            keep(file)
            quads = sum(nquads.count(b"\n") for _, _, nquads, _ in file.records)
            count += quads
            if number % 2000 == 0:
                progress(f"made the records of {number} files, {count} triples")
            own = [own for _, _, _, own in file.records]  # N-Triples: the default graph
            pieces.write([nquads for _, _, nquads, _ in file.records] + own, quads + sum(o.count(b"\n") for o in own))
        pieces.close()
    except BaseException:
        pieces.abandon()
        loader.stop()
        raise
    loader.finish()
    shutil.rmtree(spool)
    _give_back_heap()
    return count


def _give_back_heap() -> None:
    """Hand the heap the bulk loads freed back to the system, before the statistics count.

    The loader's threads sort their batches in malloc arenas of their own, which glibc keeps once
    freed: at 10,000 documents the build held 475 MB after the load, 146 MB after this."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)


class _Pieces:
    """The N-Quads of made files, written to one file after another in a folder: a file is closed
    and handed over (to ``done``) once it holds ``quads`` lines, or at the end."""

    def __init__(self, folder: Path, quads: int, done: Callable[[Path], None]) -> None:
        self.folder = folder
        self.quads = quads
        self.done = done
        self.written = 0  # files begun
        self.left = 0
        self.output: io.BufferedWriter | None = None

    def write(self, parts: list[bytes], lines: int) -> None:
        """Write ``parts``, ``lines`` lines of N-Quads in all."""
        if self.output is None:
            self.written += 1
            self.output = self._path().open("wb")
            self.left = self.quads
        self.output.writelines(parts)
        self.left -= lines
        if self.left <= 0:
            self.close()

    def close(self) -> None:
        """Hand the file being written over, if any."""
        if self.output is not None:
            self.abandon()
            self.done(self._path())

    def _path(self) -> Path:
        return self.folder / f"{self.written}.nq"

    def abandon(self) -> None:
        """Close the file being written, if any, without handing it over."""
        if self.output is not None:
            self.output.close()
            self.output = None


class _Loader(threading.Thread):
    """Bulk loads on a thread of their own, of the files of N-Quads a bounded queue hands it.

    The files are the buffer between the making and the loading: a bulk load parses its piece,
    then sorts and writes it, taking nothing in the meantime, and the making processes go on making
    files. With a queue of 128 made files in memory instead, each was busy for 58% of the making
    (py-spy) and the two cores 1.7 on average in a 10,000-document build; 1.9 with the files
    (``/proc/stat`` read each second), which took 158 s against 168 s and 182 s against 200 s in
    two pairs of consecutive builds, at 1,069 MB against 1,142 MB at most."""

    def __init__(self, store: ox.Store) -> None:
        super().__init__(name="bulk load", daemon=True)
        self.store = store
        self.feed: queue.Queue[Path | None] = queue.Queue(maxsize=LOAD_AHEAD)
        self.failed: BaseException | None = None
        self.start()

    def run(self) -> None:
        pieces = iter(self.feed.get, None)
        try:
            for piece in pieces:
                self.store.bulk_load(path=piece, format=ox.RdfFormat.N_QUADS, lenient=True)
                piece.unlink()
        except BaseException as err:  # given to the build's thread, which raises it
            self.failed = err
            for _ in pieces:  # the feed is drained so that the build's thread never waits on it
                pass

    def put(self, piece: Path) -> None:
        self.feed.put(piece)
        self._raise()

    def finish(self) -> None:
        """End the feed and wait for the last piece to be loaded."""
        self.stop()
        self._raise()

    def stop(self) -> None:
        self.feed.put(None)
        self.join()

    def _raise(self) -> None:
        if self.failed is not None:
            raise self.failed


@dataclass
class _Written:
    """What a rebuild made of the records: every record of the files made again, and those whose graph changed."""

    made: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)


def _update(
    store: ox.Store,
    made: Iterable[Made],
    keep: Callable[[Made], None],
    loaded: _Loaded,
    before: Previous,
    start: Path,
    uris: Uris,
    progress: Progress,
) -> _Written:
    """Write the records whose graph changed into the copied store, remove the records that went."""
    update = GraphUpdate(store, _statistics_of(start))
    written = _Written()
    for file in made:
        keep(file)
        for iri, value, nquads, _ in file.records:
            written.made.add(iri)
            earlier = before.get(iri)
            if earlier is not None and earlier.digest == value:
                continue
            if earlier is None:
                loaded.created.add(iri)
            update.replace(uris.graph_of(iri) or iri, [q.triple for q in ox.parse(nquads, ox.RdfFormat.N_QUADS)])
            written.changed.add(iri)
    for iri in sorted(loaded.removed):
        update.replace(uris.graph_of(iri) or iri, [])
    loaded.statistics = update.finish()
    loaded.triples = _triples_of(start) + update.quads
    progress(f"{len(written.changed)} records written anew, {len(loaded.removed)} removed, the others as before")
    return written


def _moves(iris: set[str], before: Previous, now: Catalogue) -> Moves:
    """The list lines of the records that appeared, went or changed class or label, by kind: those of
    the previous build that go, and those of this one that come."""
    moves: Moves = {}
    for iri in iris:
        for side, entry in enumerate((before.get(iri), now.get(iri))):
            if entry is not None:
                moves.setdefault(entry.kind, ([], []))[side].append((entry.slug, entry.label))
    return moves


def _referred(records: set[str], catalogues: tuple[Catalogue | Previous, ...]) -> set[str]:
    """These records and every record they refer to in any of the catalogues."""
    found = set(records)
    for catalogue in catalogues:
        for iri in records:
            if (entry := catalogue.get(iri)) is not None:
                found.update(entry.references)
    return found


def _starting_point(previous: Path | None, base: str) -> Path | None:
    """The previous build, if a new one can start from a copy of its store: embedded, catalogued,
    with the same base and made by the same recipe (shapes and code that make and check graphs)."""
    if previous is None or not (previous / "store").is_dir() or not (previous / CATALOGUE).exists():
        return None
    try:
        meta = json.loads((previous / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    same = meta.get("base") == base and meta.get("recipe") == RECIPE
    return previous if same and meta.get("store", EMBEDDED) == EMBEDDED else None


def _recipe() -> str:
    from lod.model import dataset, shacl
    from lod.store import catalogue, delta, graphs

    sources = [shacl.shapes_path(), *(Path(m.__file__ or "") for m in (dataset, shacl, catalogue, delta, graphs))]
    return hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()


RECIPE = _recipe()


def _statistics_of(build_path: Path) -> Statistics:
    return Statistics.of(json.loads((build_path / META).read_text(encoding="utf-8"))["statistics"])


def _triples_of(build_path: Path) -> int:
    return int(json.loads((build_path / META).read_text(encoding="utf-8"))["triples"])


def _stop_on(problems: list[Violation]) -> None:
    if problems:
        raise ValidationFailed(sorted(set(problems), key=lambda v: (v.record, v.rule, v.message)))


def load_records(store: ox.Store, data_dir: Path, uris: Uris) -> list[Violation]:
    """Every record of ``data_dir`` into ``store`` as a full build loads them; what is wrong with
    them, SHACL violations included."""
    with tempfile.TemporaryDirectory() as folder:
        reading = read_data(data_dir, uris, None, Path(folder) / CATALOGUE, workers=1)
        problems = list(reading.problems)
        catalogue = reading.catalogue
        try:
            checks = compile_shapes(uris.base)
            for file in make_files(data_dir, uris, catalogue, list(catalogue.files), checks, workers=1):
                problems += file.problems
                for _, _, nquads, ntriples in file.records:
                    store.load(nquads, format=ox.RdfFormat.N_QUADS)
                    store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        finally:
            catalogue.close()
    return problems


def _check_redirects(data_dir: Path, uris: Uris, loaded: _Loaded) -> list[Violation]:
    """A merged record is no longer a record, and its survivor is one."""
    redirects, problems = read_redirects(data_dir, uris)
    where = str(data_dir / REDIRECTS)
    for old, survivor in redirects.items():
        if old in loaded.catalogue:
            problems.append(Violation(where, "redirect", f"<{old}> is merged away but still a record"))
        elif survivor not in loaded.catalogue:
            problems.append(Violation(where, "redirect", f"<{old}> is merged into <{survivor}>, not a record"))
    loaded.redirects = redirects
    return problems


def _write_lists(path: Path, catalogue: Catalogue, same: Path | None, moved: Moves, progress: Progress) -> None:
    """One file per kind, ``slug<TAB>label`` sorted by label, for the paged lists at ``/id/{kind}/``,
    and its index: where each line starts (8 bytes each), so that a page reads only its lines.
    SQLite sorts, so a list of millions is never all in memory. From the build ``same``, the lists
    of the kinds not in ``moved`` are linked to, and the others spliced where few of their lines move."""
    lists = path / LISTS
    lists.mkdir()
    kinds = set(KINDS)
    if same is not None:
        kinds = {kind for kind, (gone, come) in moved.items() if not _splice(same / LISTS, lists, kind, gone, come)}
        for kept in (same / LISTS).iterdir():
            if kept.stem not in moved:
                os.link(kept, lists / kept.name)
        if moved:
            spliced, anew = ", ".join(sorted(set(moved) - kinds)), ", ".join(sorted(kinds))
            progress(f"lists spliced: {spliced or 'none'}; sorted anew: {anew or 'none'}")
    if not kinds:
        return
    catalogue.db.create_function("list_key", 2, _list_key, deterministic=True)
    marks = ", ".join("?" * len(kinds))
    rows = catalogue.db.execute(
        f"SELECT kind, slug, label FROM record WHERE kind IN ({marks}) ORDER BY kind, list_key(label, slug), slug",
        sorted(kinds),
    )
    for kind, kind_rows in itertools.groupby(rows, key=lambda row: row[0]):
        offsets = array.array("Q")
        at = 0
        with (lists / f"{kind}.tsv").open("wb") as out:
            for _, slug, label in kind_rows:
                line = _list_line(slug, label)
                offsets.append(at)
                out.write(line)
                at += len(line)
        _write_offsets(lists / f"{kind}.idx", offsets)


def _splice(kept: Path, lists: Path, kind: str, gone: list[Line], come: list[Line]) -> bool:
    """Write the list of ``kind`` as the kept one without the lines ``gone`` and with the lines ``come``,
    each found by binary search; False, having written nothing, where the kept list has no such line
    or too many lines move for a splice to beat sorting."""
    tsv, idx = kept / f"{kind}.tsv", kept / f"{kind}.idx"
    if not tsv.is_file() or not idx.is_file():
        return False
    offsets = _read_offsets(idx)
    lines = len(offsets)
    if not lines or len(gone) + len(come) > SPLICE_SHARE * lines:
        return False
    with tsv.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as text:
        size = len(text)

        def start(i: int) -> int:
            return offsets[i] if i < lines else size

        def key(i: int) -> tuple[str, str]:
            slug, shown = text[offsets[i] : start(i + 1)].decode("utf-8").rstrip("\n").split("\t", 1)
            return shown.lower(), slug

        def place(slug: str, label: str | None) -> tuple[int, tuple[str, str]]:
            wanted = (_list_key(label, slug), slug)
            return bisect.bisect_left(range(lines), wanted, key=key), wanted

        edits: list[tuple[int, int, tuple[str, str], bytes]] = []  # (before which kept line, 0 put / 1 cut, key, line)
        for slug, label in gone:
            i, wanted = place(slug, label)
            if i == lines or key(i) != wanted:
                return False
            edits.append((i, 1, wanted, b""))
        for slug, label in come:
            i, wanted = place(slug, label)
            edits.append((i, 0, wanted, _list_line(slug, label)))
        edits.sort()
        written = array.array("Q")
        at, kept_from = 0, 0
        with (lists / f"{kind}.tsv").open("wb") as out, memoryview(text) as view:

            def keep(stop: int) -> None:  # the kept lines from ``kept_from`` up to ``stop``, shifted to ``at``
                nonlocal at, kept_from
                if stop > kept_from:
                    shift = at - offsets[kept_from]
                    written.extend(offset + shift for offset in offsets[kept_from:stop])
                    out.write(view[offsets[kept_from] : start(stop)])
                    at += start(stop) - offsets[kept_from]
                kept_from = max(kept_from, stop)

            for i, cut, _, line in edits:
                keep(i)
                if cut:
                    kept_from = i + 1
                else:
                    written.append(at)
                    out.write(line)
                    at += len(line)
            keep(lines)
    if not written:  # as a build that sorts it: no file for a kind without records
        (lists / f"{kind}.tsv").unlink()
        return True
    _write_offsets(lists / f"{kind}.idx", written)
    return True


def _read_offsets(path: Path) -> array.array[int]:
    """A list's index: where each of its lines starts, kept as little-endian 8-byte integers."""
    offsets = array.array("Q", path.read_bytes())
    if sys.byteorder != "little":
        offsets.byteswap()
    return offsets


def _write_offsets(path: Path, offsets: array.array[int]) -> None:
    if sys.byteorder != "little":
        offsets.byteswap()
    path.write_bytes(offsets.tobytes())


def _list_line(slug: str, label: str | None) -> bytes:
    return f"{slug}\t{_list_text(label, slug)}\n".encode()


def _list_text(label: str | None, slug: str) -> str:
    return " ".join(label.split()) if label else slug


def _list_key(label: str | None, slug: str) -> str:
    return _list_text(label, slug).lower()


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
    """Remove what killed builds left behind: store directories without a build record, once the
    catalogue a killed build took over is back where it came from."""
    current = _current_name(var_dir)
    recover(var_dir / STORES, current)
    for path in (var_dir / STORES).iterdir():
        if path.name != current and not (path / META).exists():
            progress(f"removing the unfinished build {path}")
            shutil.rmtree(path, ignore_errors=True)
    (var_dir / OLD_DUMP_CACHE).unlink(missing_ok=True)


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
