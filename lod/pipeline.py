"""The ingest pipeline that ``lod ingest`` runs: pages → resolved documents → record files."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lod.errors import PageError
from lod.ingest.authority import load_authorities
from lod.ingest.document import Problem, resolve
from lod.ingest.names import NameIndex
from lod.model.dataset import trig, write_atomically
from lod.model.records import document_records
from lod.settings import Settings
from lod.sources.wilson import parse_file
from lod.uris import Uris


@dataclass(frozen=True)
class PageOutcome:
    """What became of one page: its output file and problems, or the error that stopped it."""

    path: str
    slug: str | None = None
    output: str | None = None
    records: int = 0
    problems: tuple[Problem, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class IngestReport:
    """Every page's outcome, in the order given."""

    outcomes: list[PageOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[PageOutcome]:
        return [o for o in self.outcomes if not o.ok]


def ingest_pages(
    paths: Sequence[str | Path],
    settings: Settings,
    write: bool = True,
    progress: Callable[[PageOutcome], None] = lambda outcome: None,
    workers: int | None = None,
) -> IngestReport:
    """Parse, resolve and write each page; a bad page is reported and the others go on.

    Pages are spread over ``workers`` processes (one per core by default) when there are many.
    """
    report = IngestReport()
    seen: dict[str, str] = {}  # document slug → the page it was written from

    def take(outcome: PageOutcome, text: str | None) -> None:
        if outcome.slug is not None and seen.setdefault(outcome.slug, outcome.path) != outcome.path:
            also = seen[outcome.slug]
            message = f"is document {outcome.slug} too, as {also} is (the same title and date): not written"
            outcome = PageOutcome(outcome.path, error=f"{outcome.path}: {message}")
        elif text is not None and outcome.output is not None:
            write_atomically(Path(outcome.output), text)
        report.outcomes.append(outcome)
        progress(outcome)

    workers = workers or os.cpu_count() or 1
    if workers == 1 or len(paths) < 20:
        _start_worker(settings, write)
        for path in paths:
            take(*_ingest_in_worker(str(path)))
        return report
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_start_worker, initargs=(settings, write)) as pool:
        for outcome, text in pool.imap(_ingest_in_worker, [str(p) for p in paths], chunksize=8):
            take(outcome, text)
    return report


@dataclass
class _Worker:
    index: NameIndex
    uris: Uris
    data_dir: Path
    write: bool


_worker: list[_Worker] = []  # the one worker state of this process, set by _start_worker


def _start_worker(settings: Settings, write: bool) -> None:
    uris = Uris(settings.base)
    data_dir = Path(settings.data_dir)
    _worker[:] = [_Worker(NameIndex(load_authorities(data_dir, uris)), uris, data_dir, write)]


def _ingest_in_worker(path: str) -> tuple[PageOutcome, str | None]:
    worker = _worker[0]
    return _ingest_one(Path(path), worker.index, worker.uris, worker.data_dir, worker.write)


def _ingest_one(
    path: Path, index: NameIndex, uris: Uris, data_dir: Path, write: bool
) -> tuple[PageOutcome, str | None]:
    """One page's outcome, and the text of its record file (to be written by the parent, which
    sees every page: two pages must not write one file)."""
    try:
        record = parse_file(path)
    except PageError as err:
        return PageOutcome(str(path), error=str(err)), None
    except OSError as err:
        return PageOutcome(str(path), error=f"{path}: cannot read: {err.strerror or err}"), None
    resolved = resolve(record, index)
    records = document_records(resolved, uris)
    output = data_dir / "document" / f"{resolved.slug}.trig"
    text = None
    if write:
        header = f"# Records of one archive page, written by `lod ingest` from {path.name}.\n"
        text = header + trig(records, uris)
    return PageOutcome(str(path), resolved.slug, str(output), len(records), resolved.problems), text
