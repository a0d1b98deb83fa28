"""`make bench`: every benchmark, each against its named competitor in the same run.

Results are printed and written to bench/results/; the README quotes them.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from bench import deref, dumps, reconcile, scale, sparql
from bench.common import ROOT, prepare

SIZES = "1000,10000,100000"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["deref", "sparql", "dumps", "reconcile", "scale"], help="run one benchmark")
    parser.add_argument("--sizes", default=SIZES, help="documents of each archive of the scale benchmark")
    parser.add_argument("--no-rdflib", action="store_true", help="leave rdflib-endpoint out of the SPARQL benchmark")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work")
    parser.add_argument(
        "--reuse", action="store_true", help="use the last build of the same corpus again (scale: the stages measured)"
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make bench` installs it (apt-get install wrk)")
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    if args.only in (None, "scale"):
        sizes = [int(size) for size in args.sizes.split(",")]
        table = scale.run(args.work, sizes, args.seconds, args.connections, args.workers, args.reuse)
        print(table)
        name = "scale.md" if args.sizes == SIZES else f"scale-{args.sizes.replace(',', '-')}.md"  # a part: its own file
        (results / name).write_text(table, encoding="utf-8")
        if args.only == "scale":
            return
    prepared = prepare(args.work, args.documents, rebuild=not args.reuse)
    if args.only in (None, "deref"):
        table = deref.run(prepared, args.work, args.seconds, args.connections, args.workers)
        print(table)
        (results / "deref.md").write_text(table, encoding="utf-8")
    if args.only in (None, "dumps"):
        table = dumps.run(prepared)
        print(table)
        (results / "dumps.md").write_text(table, encoding="utf-8")
    if args.only in (None, "reconcile"):
        table = reconcile.run(prepared)
        print(table)
        (results / "reconcile.md").write_text(table, encoding="utf-8")
    if args.only in (None, "sparql"):
        table = sparql.run(prepared, args.work, args.seconds, args.connections, args.workers, not args.no_rdflib)
        print(table)
        (results / "sparql.md").write_text(table, encoding="utf-8")


main()
