"""Dereferencing benchmark: lod records (JSON-LD, Turtle) beside an Oxigraph server's DESCRIBE.

Builds the bundled data plus a synthetic corpus of archive pages (10,000 by default) run through
the same `lod ingest` users run, serves it with `lod serve` and, in the same run, loads the same
quads into an Oxigraph server (PyPI `oxigraph`) answering `DESCRIBE` for the same people. A real
load generator (`wrk`, from Debian) keeps connections busy on loopback for a fixed time.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pyoxigraph as ox

from bench.corpus import write_corpus
from lod.pipeline import ingest_pages
from lod.settings import Settings
from lod.store.build import build
from lod.store.embedded import current_build

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local accept = os.getenv("BENCH_ACCEPT")
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["Accept"] = accept})
end
"""


@dataclass(frozen=True)
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def corpus(work: Path, documents: int) -> Path:
    """triples/ with the bundled records, synthetic authorities and ingested synthetic pages (cached)."""
    folder = work / f"corpus-{documents}"
    triples = folder / "triples"
    stamp = folder / "complete"
    if stamp.exists():
        return triples
    shutil.rmtree(folder, ignore_errors=True)
    started = time.monotonic()
    pages, _ = write_corpus(folder, documents)
    shutil.copytree(ROOT / "triples", triples)
    for path in (folder / "authorities").glob("*.ttl"):
        shutil.copy(path, triples / "person" / path.name)
    report = ingest_pages(pages, Settings(data_dir=str(triples), var_dir=str(work / "scratch")))
    if report.failed:
        raise SystemExit(f"{len(report.failed)} synthetic pages failed to ingest: {report.failed[0].error}")
    print(f"ingested {documents} pages in {time.monotonic() - started:.0f} s", file=sys.stderr)
    stamp.write_text("ok\n")
    return triples


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {url}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"server did not start: {url}")


def wrk(name: str, url: str, paths: list[str], accept: str, work: Path, seconds: int, connections: int) -> Result:
    script = work / "paths.lua"
    script.write_text(LUA)
    listing = work / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.paths"
    listing.write_text("\n".join(paths) + "\n")
    env = {**os.environ, "BENCH_PATHS": str(listing), "BENCH_ACCEPT": accept}
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, flags=re.MULTILINE))
    errors = int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    return Result(name, rps, _ms(latency["50"]), _ms(latency["99"]), errors)


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def machine() -> str:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found[1].strip() if found else ""
    cores = f"{os.cpu_count()} cores{', ' + model if model else ''}"
    return f"{platform.machine()}, {cores}, Python {platform.python_version()}"


def run(documents: int, seconds: int, connections: int, workers: int, work: Path) -> str:
    work.mkdir(parents=True, exist_ok=True)
    triples = corpus(work, documents)
    lod_port, oxigraph_port = free_port(), free_port()
    base = f"http://127.0.0.1:{lod_port}/"
    settings = Settings(base=base, data_dir=str(triples), var_dir=str(work / "var"))
    started = time.monotonic()
    built = build(settings, progress=lambda message: print(f"build: {message}", file=sys.stderr))
    build_seconds = time.monotonic() - started
    store_path = current_build(Path(settings.var_dir)).path / "store"
    dump = work / "dump.nq"
    store = ox.Store.read_only(str(store_path))
    with dump.open("wb") as output:
        store.dump(output, format=ox.RdfFormat.N_QUADS)
    del store
    oxigraph_dir = work / "oxigraph"
    shutil.rmtree(oxigraph_dir, ignore_errors=True)
    subprocess.run(
        [str(BIN / "oxigraph"), "load", "--location", str(oxigraph_dir), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [str(BIN / "oxigraph"), "optimize", "--location", str(oxigraph_dir)], check=True, capture_output=True
    )
    slugs = [slug for slug, _ in current_build(Path(settings.var_dir)).slugs("person")][:1000]
    lod_paths = [f"/data/person/{slug}" for slug in slugs]
    describe = [f"/query?query={quote(f'DESCRIBE <{base}id/person/{slug}>')}" for slug in slugs]
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOD_")}
    servers = [
        subprocess.Popen(
            [str(BIN / "lod"), "--base", base, "--data-dir", str(triples), "--var-dir", settings.var_dir, "serve",
             "--port", str(lod_port), "--workers", str(workers), "--no-access-log"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [str(BIN / "oxigraph"), "serve-read-only", "--location", str(oxigraph_dir),
             "--bind", f"127.0.0.1:{oxigraph_port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    try:
        wait_for(f"{base}healthz", servers[0])
        oxigraph = f"http://127.0.0.1:{oxigraph_port}"
        wait_for(f"{oxigraph}/query?query=ASK%7B%7D", servers[1])
        with httpx.Client() as http:  # one pass to warm both (lod renders each record once per build)
            for path, query in zip(lod_paths, describe, strict=True):
                for accept in ("application/ld+json", "text/turtle"):
                    assert http.get(base.rstrip("/") + path, headers={"Accept": accept}).status_code == 200
                assert http.get(oxigraph + query, headers={"Accept": "text/turtle"}).status_code == 200
        results = [
            wrk("lod JSON-LD (Linked Art)", base, lod_paths, "application/ld+json", work, seconds, connections),
            wrk("lod Turtle", base, lod_paths, "text/turtle", work, seconds, connections),
            wrk("Oxigraph DESCRIBE (Turtle)", oxigraph, describe, "text/turtle", work, seconds, connections),
        ]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    reference = results[2].requests_per_second
    rows = "\n".join(
        f"| {r.name} | {r.requests_per_second:,.0f} | {r.requests_per_second / reference:.2f}× "
        f"| {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.errors} |"
        for r in results
    )
    today = datetime.date.today().isoformat()
    return (
        f"Dereferencing {len(slugs)} people in turn, {documents:,} synthetic documents + the bundled data "
        f"({built.records:,} records, {built.triples:,} triples; build {build_seconds:.0f} s); "
        f"wrk -t2 -c{connections} -d{seconds}s on loopback, lod with {workers} worker(s); {today}, {machine()}.\n\n"
        "| server | requests/s | vs Oxigraph | p50 ms | p99 ms | non-2xx |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        f"{rows}\n"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench` installs it (apt-get install wrk)")
    table = run(args.documents, args.seconds, args.connections, args.workers, args.work)
    print(table)
    (ROOT / "bench" / "results" / "deref.md").write_text(table, encoding="utf-8")
