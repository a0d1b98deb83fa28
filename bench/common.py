"""What every benchmark shares: the corpus, one build, its dump, the servers, and wrk."""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from bench.corpus import write_corpus
from lod.pipeline import ingest_pages
from lod.settings import Settings
from lod.store.build import build
from lod.store.embedded import current_build

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BASE = "http://127.0.0.1:8000/"
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
    """One wrk run: successful responses per second, latency, and errors (non-2xx answers and timeouts)."""

    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass(frozen=True)
class Prepared:
    """The corpus built once for every benchmark of a run."""

    documents: int
    settings: Settings
    records: int
    triples: int
    build_seconds: float
    store: Path
    dump: Path
    oxigraph: Path


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


def prepare(work: Path, documents: int, rebuild: bool = True) -> Prepared:
    """Corpus, lod build, N-Quads dump, and the same quads loaded into an Oxigraph store.

    With ``rebuild=False`` the previous preparation of the same corpus is used again when there is one.
    """
    work.mkdir(parents=True, exist_ok=True)
    triples = corpus(work, documents)
    settings = Settings(base=BASE, data_dir=str(triples), var_dir=str(work / "var"))
    stamp = work / "prepared.json"
    dump = work / "dump.nq"
    oxigraph = work / "oxigraph"
    if not rebuild and stamp.exists():
        earlier = json.loads(stamp.read_text())
        current = current_build(Path(settings.var_dir))
        if earlier["documents"] == documents and earlier["build"] == current.id:
            print(f"using the build {current.id} prepared before", file=sys.stderr)
            return Prepared(documents, settings, earlier["records"], earlier["triples"], earlier["seconds"],
                            current.path / "store", dump, oxigraph)  # fmt: skip
    stamp.unlink(missing_ok=True)
    started = time.monotonic()
    built = build(settings, progress=lambda message: print(f"build: {message}", file=sys.stderr))
    seconds = time.monotonic() - started
    store_path = current_build(Path(settings.var_dir)).path / "store"
    store = ox.Store.read_only(str(store_path))
    with dump.open("wb") as output:
        store.dump(output, format=ox.RdfFormat.N_QUADS)
    del store
    shutil.rmtree(oxigraph, ignore_errors=True)
    subprocess.run(
        [str(BIN / "oxigraph"), "load", "--location", str(oxigraph), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    subprocess.run([str(BIN / "oxigraph"), "optimize", "--location", str(oxigraph)], check=True, capture_output=True)
    record = {"documents": documents, "build": built.id, "records": built.records, "triples": built.triples}
    stamp.write_text(json.dumps({**record, "seconds": seconds}))
    return Prepared(documents, settings, built.records, built.triples, seconds, store_path, dump, oxigraph)


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited: {url}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.5)
    raise SystemExit(f"server did not start: {url}")


@contextmanager
def serving(
    command: list[str], ready: str, env: dict[str, str] | None = None, seconds: float = 600
) -> Iterator[tuple[str, float, int]]:
    """A server started by ``command`` (``{port}`` is filled in), once ``ready`` (a path on it)
    answers: its URL, the seconds it took to answer, and its pid."""
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [part.format(port=port) for part in command],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for(url + ready, process, seconds)
        yield url, time.monotonic() - started, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            print(f"{command[0]} did not stop within 60 s of SIGTERM: killed", file=sys.stderr)
            process.kill()
            process.wait()


@contextmanager
def running(command: list[str], ready: str, env: dict[str, str] | None = None, seconds: float = 600) -> Iterator[str]:
    """The URL of a server started by ``command``, once ``ready`` answers (see :func:`serving`)."""
    with serving(command, ready, env, seconds) as (url, _, _):
        yield url


def lod_server(
    prepared: Prepared, workers: int, var_dir: str | None = None, **settings: str
) -> AbstractContextManager[str]:
    """``lod serve`` on the prepared build (or another ``var_dir``), with these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOD_")}
    env.update({f"LOD_{k.upper()}": v for k, v in settings.items()})
    command = [str(BIN / "lod"), "--base", BASE, "--data-dir", prepared.settings.data_dir,
               "--var-dir", var_dir or prepared.settings.var_dir,
               "serve", "--port", "{port}", "--workers", str(workers), "--no-access-log"]  # fmt: skip
    return running(command, "/healthz", env)


@contextmanager
def remote_lod_server(prepared: Prepared, work: Path, workers: int, **settings: str) -> Iterator[str]:
    """``lod serve`` with an Oxigraph server as its store, holding the prepared build's quads.

    The Oxigraph store of the benchmark holds exactly what ``lod build --store-url`` would have
    published (every record graph and their merge as the default graph), so the build's files are
    copied into a var/ of their own and marked as published there, instead of publishing 200,000
    graphs again.
    """
    with oxigraph_server(prepared) as store:
        build = current_build(Path(prepared.settings.var_dir))
        view = work / "remote-var"
        shutil.rmtree(view, ignore_errors=True)
        target = view / "stores" / build.path.name
        skip = shutil.ignore_patterns("store", "representations.sqlite*")
        shutil.copytree(build.path, target, ignore=skip)
        meta = json.loads((target / "build.json").read_text())
        (target / "build.json").write_text(json.dumps({**meta, "store": f"{store}/query"}))
        (view / "current").symlink_to(Path("stores") / build.path.name)
        with lod_server(prepared, workers, var_dir=str(view), store_url=store, **settings) as lod:
            yield lod


def oxigraph_server(prepared: Prepared) -> AbstractContextManager[str]:
    """An Oxigraph server, read-only, on the same quads."""
    command = [
        str(BIN / "oxigraph"),
        "serve-read-only",
        "--location",
        str(prepared.oxigraph),
        "--bind",
        "127.0.0.1:{port}",
    ]
    return running(command, "/query?query=ASK%7B%7D")


def wrk(name: str, url: str, paths: list[str], accept: str, work: Path, seconds: int, connections: int) -> Result:
    script = work / "paths.lua"
    script.write_text(LUA)
    listing = work / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.paths"
    listing.write_text("\n".join(paths) + "\n")
    env = {**os.environ, "BENCH_PATHS": str(listing), "BENCH_ACCEPT": accept}
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    total = int(re.search(r"(\d+) requests in", output)[1])  # type: ignore[index]
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, flags=re.MULTILINE))
    errors = int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    if m := re.search(r"Socket errors:.*timeout (\d+)", output):
        errors += int(m[1])
    p50 = _ms(latency["50"]) if "50" in latency else float("nan")
    p99 = _ms(latency["99"]) if "99" in latency else float("nan")
    failed = int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0
    ok = rps * (total - failed) / total if total else 0.0  # a quick refusal is not throughput
    return Result(name, ok, p50, p99, errors)


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


def today() -> str:
    return datetime.date.today().isoformat()
