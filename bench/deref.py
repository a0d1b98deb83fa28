"""Dereferencing: lod records (JSON-LD, Turtle) beside an Oxigraph server's DESCRIBE of the same people."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx

from bench.common import BASE, Prepared, lod_server, machine, oxigraph_server, remote_lod_server, today, wrk
from lod.store.embedded import current_build


def run(prepared: Prepared, work: Path, seconds: int, connections: int, workers: int) -> str:
    slugs = [slug for slug, _ in current_build(Path(prepared.settings.var_dir)).slugs("person")][:1000]
    lod_paths = [f"/data/person/{slug}" for slug in slugs]
    describe = [f"/query?query={quote(f'DESCRIBE <{BASE}id/person/{slug}>')}" for slug in slugs]
    results = []
    with lod_server(prepared, workers) as lod, oxigraph_server(prepared) as oxigraph, httpx.Client() as http:
        for path, query in zip(lod_paths, describe, strict=True):  # one pass to warm both
            for accept in ("application/ld+json", "text/turtle"):
                assert http.get(lod + path, headers={"Accept": accept}).status_code == 200
            assert http.get(oxigraph + query, headers={"Accept": "text/turtle"}).status_code == 200
        results += [
            wrk("lod JSON-LD (Linked Art)", lod, lod_paths, "application/ld+json", work, seconds, connections),
            wrk("lod Turtle", lod, lod_paths, "text/turtle", work, seconds, connections),
            wrk("Oxigraph DESCRIBE (Turtle)", oxigraph, describe, "text/turtle", work, seconds, connections),
        ]
    with remote_lod_server(prepared, work, workers) as remote, httpx.Client(timeout=60) as http:
        for path in lod_paths:  # the representations of the build are not copied: render them once
            for accept in ("application/ld+json", "text/turtle"):
                assert http.get(remote + path, headers={"Accept": accept}).status_code == 200
        results += [
            wrk(
                "lod on an Oxigraph store, JSON-LD",
                remote,
                lod_paths,
                "application/ld+json",
                work,
                seconds,
                connections,
            ),
            wrk("lod on an Oxigraph store, Turtle", remote, lod_paths, "text/turtle", work, seconds, connections),
        ]
    reference = results[2].requests_per_second
    rows = "\n".join(
        f"| {r.name} | {r.requests_per_second:,.0f} | {r.requests_per_second / reference:.2f}× "
        f"| {r.p50_ms:.2f} | {r.p99_ms:.2f} | {r.errors} |"
        for r in results
    )
    return (
        f"Dereferencing {len(slugs)} people in turn, {prepared.documents:,} synthetic documents + the bundled data "
        f"({prepared.records:,} records, {prepared.triples:,} triples; build {prepared.build_seconds:.0f} s); "
        f"wrk -t2 -c{connections} -d{seconds}s on loopback, lod with {workers} worker(s); {today()}, {machine()}.\n\n"
        "| server | requests/s | vs Oxigraph | p50 ms | p99 ms | non-2xx |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        f"{rows}\n"
    )
