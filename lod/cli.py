"""The ``lod`` command: ingest, build, serve, query, validate, get."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import click

from lod.errors import LodError, ValidationFailed
from lod.settings import Settings, describe_settings, load_settings, settings_from


def _settings(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


def _store_option(command: Any) -> Any:
    """``--store-url``: a SPARQL 1.1 server as the store instead of the embedded one."""

    def remember(ctx: click.Context, _: click.Parameter, value: str | None) -> None:
        if value:
            ctx.obj = settings_from({**_settings(ctx).__dict__, "store_url": value})

    return click.option(
        "--store-url",
        expose_value=False,
        callback=remember,
        help="A SPARQL 1.1 server as the store (Oxigraph layout: /query, /update, /store); see docs/settings.md.",
    )(command)


@click.group(help="Linked open data for archival history.")
@click.option(
    "--config",
    type=click.Path(dir_okay=False),
    default="lod.toml",
    show_default=True,
    help="Settings file (TOML).",
)
@click.option("--base", help="Base IRI of the published data.")
@click.option("--data-dir", help="Directory of records (triples/).")
@click.option("--var-dir", help="Directory of built stores (var/).")
@click.pass_context
def main(ctx: click.Context, config: str, base: str | None, data_dir: str | None, var_dir: str | None) -> None:
    try:
        settings = load_settings(os.environ, config)
        overrides = {k: v for k, v in {"base": base, "data_dir": data_dir, "var_dir": var_dir}.items() if v}
        if overrides:
            settings = settings_from({**settings.__dict__, **overrides})
    except LodError as err:
        raise click.ClickException(str(err)) from None
    ctx.obj = settings


@main.command(
    help="Parse archive pages into records in triples/document/, reporting what could not be resolved. "
    "A directory stands for the .txt pages in it."
)
@click.argument("pages", nargs=-1, required=True, type=click.Path())
@click.option("--dry-run", is_flag=True, help="Parse and report, write nothing.")
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False),
    help="Also write the report as JSON.",
)
@click.pass_context
def ingest(ctx: click.Context, pages: tuple[str, ...], dry_run: bool, report_file: str | None) -> None:
    from lod.pipeline import PageOutcome, ingest_pages

    def show(outcome: PageOutcome) -> None:
        if outcome.error:
            click.echo(f"error {outcome.error}", err=True)
            return
        click.echo(f"ok    {outcome.path} → {outcome.output} ({outcome.records} records)")
        for problem in outcome.problems:
            click.echo(f"      {problem.field}: {problem.message}")

    paths = [p for page in pages for p in (sorted(Path(page).glob("*.txt")) if Path(page).is_dir() else [page])]
    try:
        report = ingest_pages(paths, _settings(ctx), write=not dry_run, progress=show)
    except LodError as err:
        raise click.ClickException(str(err)) from None
    if report_file:
        data = [
            {
                "path": o.path,
                "slug": o.slug,
                "output": o.output,
                "records": o.records,
                "error": o.error,
                "problems": [{"record": p.record, "field": p.field, "message": p.message} for p in o.problems],
            }
            for o in report.outcomes
        ]
        Path(report_file).write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    done = len(report.outcomes) - len(report.failed)
    click.echo(f"{done} of {len(report.outcomes)} page(s) ingested", err=True)
    if report.failed:
        sys.exit(1)


@main.command(
    help="Validate every record, build a new store and switch to it atomically. Only files whose "
    "content changed since the served build are read, and only the records that changed are written "
    "and validated; --full starts from nothing."
)
@_store_option
@click.option("--full", is_flag=True, help="Read, write and validate every record; take nothing from the served build.")
@click.pass_context
def build(ctx: click.Context, full: bool) -> None:
    from lod.store.build import build as run_build

    try:
        started = time.monotonic()
        result = run_build(
            _settings(ctx),
            progress=lambda message: click.echo(f"build: {message} [{time.monotonic() - started:.1f} s]", err=True),
            full=full,
        )
    except ValidationFailed as err:
        click.echo(f"build failed; the served store is unchanged.\n{err}", err=True)
        sys.exit(1)
    except LodError as err:
        raise click.ClickException(f"build failed; the served store is unchanged. {err}") from None
    except (OSError, sqlite3.Error) as err:
        raise click.ClickException(f"build failed; the served store is unchanged. {_system(err, ctx.obj)}") from None
    click.echo(f"built {result.records} records, {result.triples} triples: {result.path}")


def _system(err: OSError | sqlite3.Error, settings: Settings) -> str:
    """What went wrong with the machine rather than the data (a full disk, a file too large)."""
    reason = getattr(err, "strerror", None) or str(err)
    return f"{reason} ({getattr(err, 'filename', None) or settings.var_dir})"


@main.command(help="Check and validate every record, as a build does, without switching the served store.")
@click.pass_context
def validate(ctx: click.Context) -> None:
    from lod.store.build import build as run_build

    try:
        result = run_build(
            _settings(ctx), progress=lambda message: click.echo(f"validate: {message}", err=True), switch=False
        )
    except ValidationFailed as err:
        for violation in err.violations:
            click.echo(str(violation))
        click.echo(f"{len(err.violations)} violation(s)", err=True)
        sys.exit(1)
    except LodError as err:
        raise click.ClickException(str(err)) from None
    except (OSError, sqlite3.Error) as err:
        raise click.ClickException(_system(err, ctx.obj)) from None
    click.echo(f"{result.records} records, {result.triples} triples: no violations")


@main.command(help="Serve the built store over HTTP.")
@click.option("--host", help="Address to listen on.")
@click.option("--port", type=int, help="Port to listen on.")
@click.option("--workers", type=int, default=1, show_default=True, help="Worker processes (one per core scales reads).")
@click.option("--access-log/--no-access-log", default=True, show_default=True, help="Log every request.")
@_store_option
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, workers: int, access_log: bool) -> None:
    import uvicorn

    settings = _settings(ctx)
    if workers > 1:
        # Each worker process builds its app from the same settings, passed down as LOD_* variables.
        for name, value in settings.__dict__.items():
            os.environ[f"LOD_{name.upper()}"] = str(value)
        uvicorn.run(
            "lod.web.app:app_from_environment",
            factory=True,
            workers=workers,
            log_level="info",
            access_log=access_log,
            host=host or settings.host,
            port=port or settings.port,
        )
        return
    from lod.web.app import create_app

    uvicorn.run(
        create_app(settings),
        log_level="info",
        access_log=access_log,
        host=host or settings.host,
        port=port or settings.port,
    )


@main.command(help="Run a SPARQL query on the built store (all record graphs as the default graph).")
@click.argument("sparql")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "tsv", "ttl", "nt"]),
    default="table",
    show_default=True,
)
@_store_option
@click.pass_context
def query(ctx: click.Context, sparql: str, fmt: str) -> None:
    import pyoxigraph as ox

    from lod.store.backend import open_store

    store = open_store(_settings(ctx), check_base=False)
    try:
        result = store.query(sparql)
    except SyntaxError as err:
        raise click.ClickException(f"SPARQL syntax error: {err}") from None
    except (OSError, LodError) as err:
        raise click.ClickException(str(err)) from None
    if isinstance(result, ox.QueryBoolean):
        click.echo("true" if bool(result) else "false")
    elif isinstance(result, (ox.QueryTriples, list)):  # a remote store's triples come as a list
        rdf = ox.RdfFormat.N_TRIPLES if fmt == "nt" else ox.RdfFormat.TURTLE
        click.echo((ox.serialize(list(result), format=rdf) or b"").decode("utf-8"), nl=False)
    elif fmt in ("json", "csv", "tsv"):
        results = {
            "json": ox.QueryResultsFormat.JSON,
            "csv": ox.QueryResultsFormat.CSV,
            "tsv": ox.QueryResultsFormat.TSV,
        }
        click.echo((result.serialize(format=results[fmt]) or b"").decode("utf-8"), nl=False)
    else:
        _table(result)


def _table(solutions: Any) -> None:
    names = [v.value for v in solutions.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in solutions]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    click.echo("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)))
    for row in rows:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", err=True)


def _cell(term: Any) -> str:
    return "" if term is None else str(term.value)


@main.command(help="Answer one HTTP request without a server, e.g. `lod get /id/person/kim-il-sung`.")
@click.argument("path")
@click.option("--accept", default="application/ld+json", show_default=True, help="Accept header.")
@_store_option
@click.pass_context
def get(ctx: click.Context, path: str, accept: str) -> None:
    import asyncio

    import httpx

    from lod.web.app import create_app

    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(_settings(ctx)))
        async with httpx.AsyncClient(transport=transport, base_url=_settings(ctx).base.rstrip("/")) as client:
            return await client.get(path, headers={"Accept": accept})

    response = asyncio.run(fetch())
    click.echo(f"{response.status_code} {response.reason_phrase}", err=True)
    for name in ("location", "content-type", "content-location", "vary"):
        if name in response.headers:
            click.echo(f"{name}: {response.headers[name]}", err=True)
    click.echo(response.text, nl=False)
    if response.status_code >= 400:
        sys.exit(1)


@main.command(name="settings", help="List every setting with its default and what it does.")
def settings_command() -> None:
    for name, default, help_text in describe_settings():
        click.echo(f"{name:15} {default:28} {help_text}")


if __name__ == "__main__":
    main()
