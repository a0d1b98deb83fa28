"""Scale: ingest, build, rebuild and serve synthetic archives of growing size, beside Oxigraph on the same data.

For each size: the pages are generated (bench/corpus.py) and ingested with ``lod ingest``, then
``lod build`` makes the store; both run as their own processes, timed, with their peak resident
memory (the largest of the process and its children, from ``wait4``). The build's store is dumped
as N-Quads (gzipped) and loaded by ``oxigraph load`` in the same run, as the reference for the
build. Then one page is changed, ingested again and built again (the incremental path). Last,
``lod serve`` is started (time until ``/healthz`` answers) and measured with wrk: records
(people's JSON-LD) and indexed SPARQL lookups, beside an Oxigraph server on the same quads
(DESCRIBE, the same queries). The server's memory is the sum of the proportional set sizes
(PSS) of its processes under load.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import quote

import httpx
import pyoxigraph as ox

from bench.common import BASE, BIN, ROOT, Result, machine, serving, today, wrk
from bench.corpus import write_corpus
from bench.sparql import TEMPLATES, parameters, queries
from lod.store.embedded import current_build

LOOKUPS = ("label of a person", "spellings of a name", "participants of a meeting")
JSON_LD = "application/ld+json"
SOLUTIONS = "application/sparql-results+json"


@dataclass(frozen=True)
class Run:
    """A timed process: seconds, peak resident memory in MB, and what it said it did."""

    seconds: float
    peak_mb: float
    said: str = ""


@dataclass(frozen=True)
class Size:
    documents: int
    records: int
    triples: int
    ingest: Run
    build: Run
    oxigraph_load: float
    rebuild: Run
    start_seconds: float
    serve_mb: float
    lod_records: Result
    lod_lookups: Result
    oxigraph_records: Result
    oxigraph_lookups: Result
    reused: tuple[str, ...] = ()  # stages taken from an earlier run (--reuse)


def timed(command: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> Run:
    """Run ``command`` to its end; its time and the peak RSS of it and its children."""
    output = log.open("w") if log else subprocess.DEVNULL
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command[:4])} … failed" + (f": see {log}" if log else ""))
    return Run(seconds, usage.ru_maxrss / 1024)


def lod(folder: Path, *arguments: str) -> list[str]:
    data, var = folder / "triples", folder / "var"
    return [str(BIN / "lod"), "--base", BASE, "--data-dir", str(data), "--var-dir", str(var), *arguments]


def prepare(folder: Path, documents: int, done: Stages) -> tuple[Run, Run, list[Path]]:
    """Pages, authorities and bundled records; ingest and first build, each timed."""
    if "ingest" not in done:
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(folder, documents)
        shutil.copytree(ROOT / "triples", folder / "triples")
        for path in (folder / "authorities").glob("*.ttl"):
            shutil.copy(path, folder / "triples" / "person" / path.name)
    pages = sorted((folder / "pages").glob("*.txt"))
    ingest = done.run("ingest", lambda: timed(lod(folder, "ingest", str(folder / "pages")), log=folder / "ingest.log"))
    print(f"scale {documents}: ingested in {ingest.seconds:.0f} s", file=sys.stderr)
    build = done.run("build", lambda: timed(lod(folder, "build"), log=folder / "build.log"))
    print(f"scale {documents}: built in {build.seconds:.0f} s", file=sys.stderr)
    return ingest, build, pages


class Stages:
    """The stages of one size measured so far (``stages.json``), taken again with ``--reuse``.

    A long run (100,000 documents takes hours) can stop and go on where it stopped; without
    ``--reuse`` every stage is measured anew.
    """

    def __init__(self, folder: Path, reuse: bool) -> None:
        self.path = folder / "stages.json"
        self.done: dict[str, Any] = json.loads(self.path.read_text()) if reuse and self.path.exists() else {}
        self.reused = tuple(self.done)

    def __contains__(self, name: str) -> bool:
        return name in self.done

    def run(self, name: str, measure: Callable[[], Any]) -> Any:
        if name not in self.done:
            value = measure()
            self.done[name] = asdict(value) if isinstance(value, Run) else value
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.done, indent=1))
        found = self.done[name]
        return Run(**found) if isinstance(found, dict) else found


def oxigraph_load(folder: Path) -> float:
    """Seconds ``oxigraph load`` takes for the N-Quads of the built store (every quad, default graph too).

    The N-Quads are kept gzipped (at 100,000 documents they would take 25 GB beside both stores) and
    reach ``oxigraph load`` through ``gzip -dc`` in a process of its own, which needs a few percent
    of one core at the rate the loader reads.
    """
    dump, built = folder / "store.nq.gz", current_build(folder / "var").path / "store"
    if not dump.exists() or dump.stat().st_mtime < built.stat().st_mtime:  # a whole dump of this build is kept
        store = ox.Store.read_only(str(built))
        with gzip.open(dump.with_suffix(".part"), "wb", compresslevel=1) as output:
            store.dump(cast(IO[bytes], output), format=ox.RdfFormat.N_QUADS)
        del store
        dump.with_suffix(".part").rename(dump)
    shutil.rmtree(folder / "oxigraph", ignore_errors=True)
    started = time.monotonic()
    with subprocess.Popen(["gzip", "-dc", str(dump)], stdout=subprocess.PIPE) as unzip:
        command = [str(BIN / "oxigraph"), "load", "--location", str(folder / "oxigraph"), "--format", "nq"]
        loaded = subprocess.run(command, stdin=unzip.stdout, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if loaded.returncode != 0:  # at 100,000 documents its store takes about 26 GB, beside lod's
        raise SystemExit(f"oxigraph load failed (free disk: {shutil.disk_usage(folder).free >> 30} GB): "
                         f"{loaded.stderr.strip()[-2000:]}")  # fmt: skip
    if unzip.returncode != 0:
        raise SystemExit(f"gzip -dc {dump} failed")
    dump.unlink()
    return seconds


def change_one_page(folder: Path, pages: list[Path]) -> Run:
    """A meeting of one page gets another topic; the page is ingested and the archive built again."""
    page = pages[len(pages) // 2]
    text = page.read_text(encoding="utf-8")
    topic = text.split("informed me about ", 1)[1].split(". ", 1)[0]
    other = next(t for t in ("the supply of tractors to the cooperatives", "the harvest in the north") if t != topic)
    page.write_text(text.replace(topic, other, 1), encoding="utf-8")  # a run taken up again changes it again
    started = time.monotonic()
    subprocess.run(lod(folder, "ingest", str(page)), check=True, capture_output=True)
    ingest = time.monotonic() - started
    build = timed(lod(folder, "build"), log=folder / "rebuild.log")
    log = (folder / "rebuild.log").read_text(encoding="utf-8")
    rewritten = next((line.split("build: ", 1)[1] for line in log.splitlines() if "written anew" in line), "?")
    return Run(ingest + build.seconds, build.peak_mb, rewritten.split(",")[0])


def pss_mb(pid: int) -> float:
    """The proportional set size of a process and its descendants, in MB."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        pids += [int(child) for child in children]
    return total / 1024


def workloads(folder: Path) -> tuple[list[str], list[str], list[str], list[str]]:
    """Paths for lod and Oxigraph: people's records (1,000) and the indexed lookups (50 each)."""
    build = current_build(folder / "var")
    slugs = [slug for slug, _ in build.slugs("person")][:1000]
    records = [f"/data/person/{slug}" for slug in slugs]
    describe = [f"/query?query={quote(f'DESCRIBE <{BASE}id/person/{slug}>')}" for slug in slugs]
    values = parameters(build.path / "store")
    texts = [text for t in TEMPLATES if t.name in LOOKUPS for text in queries(t, values)]
    return records, describe, [f"/sparql?query={quote(t)}" for t in texts], [f"/query?query={quote(t)}" for t in texts]


def measure(folder: Path, documents: int, seconds: int, connections: int, workers: int, reuse: bool) -> Size:
    done = Stages(folder, reuse)
    ingest, build, pages = prepare(folder, documents, done)
    meta = current_build(folder / "var").meta
    load = done.run("oxigraph load", lambda: oxigraph_load(folder))
    rebuild = done.run("rebuild", lambda: change_one_page(folder, pages))
    records, describe, lookups, ox_paths = workloads(folder)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("LOD_")}, "LOD_QUERY_CACHE": "0"}
    serve = lod(folder, "serve", "--port", "{port}", "--workers", str(workers), "--no-access-log")
    with serving(serve, "/healthz", env) as (url, started, pid), httpx.Client(timeout=60) as http:
        for path in records + lookups:
            accept = JSON_LD if path.startswith("/data/") else SOLUTIONS
            assert http.get(url + path, headers={"Accept": accept}).status_code == 200, path
        lod_records = wrk(f"lod records {documents}", url, records, JSON_LD, folder, seconds, connections)
        lod_lookups = wrk(f"lod lookups {documents}", url, lookups, SOLUTIONS, folder, seconds, connections)
        memory = pss_mb(pid)
    command = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(folder / "oxigraph"),
               "--bind", "127.0.0.1:{port}"]  # fmt: skip
    with serving(command, "/query?query=ASK%7B%7D") as (url, _, _):
        ox_records = wrk(f"oxigraph records {documents}", url, describe, "text/turtle", folder, seconds, connections)
        ox_lookups = wrk(f"oxigraph lookups {documents}", url, ox_paths, SOLUTIONS, folder, seconds, connections)
    return Size(documents, int(meta["records"]), int(meta["triples"]), ingest, build, load, rebuild,
                started, memory, lod_records, lod_lookups, ox_records, ox_lookups, done.reused)  # fmt: skip


def run(work: Path, sizes: list[int], seconds: int, connections: int, workers: int, reuse: bool) -> str:
    results = []
    for documents in sizes:
        results.append(measure(work / f"scale-{documents}", documents, seconds, connections, workers, reuse))
        (work / "scale.json").write_text(json.dumps([repr(r) for r in results], indent=1))
    return table(results, seconds, connections, workers)


def table(results: list[Size], seconds: int, connections: int, workers: int) -> str:
    rows = []
    for r in results:
        build_rate = r.triples / r.build.seconds
        rows.append(
            f"| {r.documents:,} | {r.records:,} | {r.triples:,} "
            f"| {r.documents / r.ingest.seconds:,.0f} ({r.ingest.peak_mb:,.0f} MB) "
            f"| {r.build.seconds:,.0f} s, {build_rate:,.0f}/s ({r.build.peak_mb:,.0f} MB) "
            f"| {r.oxigraph_load:,.0f} s ({r.build.seconds / r.oxigraph_load:.1f}×) "
            f"| {r.rebuild.seconds:,.1f} s ({r.rebuild.said}) "
            f"| {r.start_seconds:.1f} s, {r.serve_mb:,.0f} MB "
            f"| {_cell(r.lod_records)} | {_cell(r.oxigraph_records)} "
            f"| {_cell(r.lod_lookups)} | {_cell(r.oxigraph_lookups)} |"
        )
    first, last = results[0], results[-1]

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}"

    growth = (  # a run of one size has no growth to show
        f"{last.documents:,}/{first.documents:,} p50 ratio: "
        f"records {ratio(last.lod_records.p50_ms, first.lod_records.p50_ms)}, "
        f"lookups {ratio(last.lod_lookups.p50_ms, first.lod_lookups.p50_ms)} (Oxigraph: "
        f"{ratio(last.oxigraph_records.p50_ms, first.oxigraph_records.p50_ms)}, "
        f"{ratio(last.oxigraph_lookups.p50_ms, first.oxigraph_lookups.p50_ms)}); "
        if len(results) > 1
        else ""
    ) + (
        f"lod ÷ Oxigraph requests/s at {last.documents:,}: "
        f"records {ratio(last.lod_records.requests_per_second, last.oxigraph_records.requests_per_second)}×, "
        f"lookups {ratio(last.lod_lookups.requests_per_second, last.oxigraph_lookups.requests_per_second)}×."
    )
    return (
        f"Synthetic archives (bench/corpus.py: journals of one or several days, records of conversation, "
        f"telegrams) plus the bundled data; {today()}, {machine()}. Ingest and build are `lod ingest` and "
        f"`lod build` processes (peak RSS in brackets); `oxigraph load` loads the built store's N-Quads (every "
        f"quad, default graph included; from `gzip -dc`) in the same run, the build's multiple in brackets; "
        f"rebuild is one changed page ingested and built again. Serving: `lod serve --workers {workers}` "
        f"(result cache off), start = until /healthz answers, memory = PSS of its processes under load; "
        f"wrk -t2 -c{connections} -d{seconds}s; records are 1,000 people's JSON-LD (Oxigraph: DESCRIBE), lookups are "
        f"{', '.join(LOOKUPS)} (50 parameters each). Cells: requests/s, p50/p99 ms.\n\n"
        "| documents | records | triples in record graphs | ingest pages/s | build | oxigraph load "
        "| rebuild after one page | serve start, memory | lod records | Oxigraph records "
        "| lod lookups | Oxigraph lookups |\n"
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        + "\n".join(rows)
        + f"\n\n{growth}\n"
        + "".join(
            f"\n{r.documents:,} documents: {', '.join(r.reused)} taken from an earlier run (--reuse).\n"
            for r in results
            if r.reused
        )
    )


def _cell(result: Result) -> str:
    return f"{result.requests_per_second:,.0f} ({result.p50_ms:.2f}/{result.p99_ms:.2f})"
