"""Dumps: downloading the whole dataset from lod's /dumps/ beside Oxigraph's GET /store, server memory watched.

The issue's target: serving a 100 MB-class dump grows the server's resident memory by less than
50 MB (it streams from disk). Oxigraph serves the same quads from its store as N-Quads.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.common import Prepared, lod_server, machine, oxigraph_server, today


@dataclass(frozen=True)
class Download:
    server: str
    what: str
    bytes: int
    seconds: float
    rss_before_mb: float
    rss_peak_mb: float

    @property
    def growth_mb(self) -> float:
        return self.rss_peak_mb - self.rss_before_mb


def rss_mb(pids: list[int]) -> float:
    """Resident memory of these processes together, in MB."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def server_pids(port: int) -> list[int]:
    """The processes listening on (or serving) a loopback port: the server and its workers."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].split(":")[1], 16) == port:
                inodes.add(fields[9])
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            links = {Path(fd).readlink().name for fd in (proc / "fd").iterdir()}
        except OSError:
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            pids.append(int(proc.name))
    return pids


def download(server: str, url: str, what: str) -> Download:
    """Stream one URL to nowhere while sampling the server's memory every 10 ms."""
    port = int(url.split(":")[2].split("/")[0])
    pids = server_pids(port)
    before = rss_mb(pids)
    peak = before
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_mb(pids))
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    size = 0
    started = time.monotonic()
    try:
        with httpx.stream("GET", url, headers={"Accept": "application/n-quads"}, timeout=600) as response:
            response.raise_for_status()
            for chunk in response.iter_raw(1 << 16):
                size += len(chunk)
    finally:
        done.set()
        watcher.join()
    return Download(server, what, size, time.monotonic() - started, before, peak)


def run(prepared: Prepared) -> str:
    results = []
    with lod_server(prepared, 1) as lod:
        httpx.get(f"{lod}/dumps/", timeout=60).raise_for_status()
        for dump in httpx.get(f"{lod}/dumps/", timeout=60).json()["dumps"]:
            results.append(download("lod", f"{lod}/dumps/{dump['name']}", f"{dump['name']} (gzip)"))
    with oxigraph_server(prepared) as oxigraph:
        results.append(download("Oxigraph", f"{oxigraph}/store", "GET /store (N-Quads)"))
    return table(prepared, results)


def table(prepared: Prepared, results: list[Download]) -> str:
    rows = [
        f"| {r.server} | {r.what} | {r.bytes / 1e6:,.1f} | {r.seconds:.1f} | {r.bytes / 1e6 / r.seconds:,.0f} "
        f"| {r.rss_before_mb:,.0f} | {r.rss_peak_mb:,.0f} | {r.growth_mb:,.1f} |"
        for r in results
    ]
    worst = max((r.growth_mb for r in results if r.server == "lod"), default=0.0)
    return (
        f"Downloading the whole dataset, {prepared.documents:,} synthetic documents + the bundled data "
        f"({prepared.records:,} records), one client on loopback, lod serve --workers 1; server resident memory "
        f"sampled every 10 ms; {today()}, {machine()}.\n\n"
        "| server | what | MB | seconds | MB/s | RSS before MB | RSS peak MB | growth MB |\n"
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n"
        + "\n".join(rows)
        + f"\n\n- lod's largest growth while serving a dump: {worst:.1f} MB "
        f"(target < 50 MB: {'met' if worst < 50 else 'not met'}).\n"
    )
