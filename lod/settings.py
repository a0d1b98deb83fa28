"""Configuration: one frozen :class:`Settings`, read once (environment > file > default).

>>> Settings().base
'http://127.0.0.1:8000/'
>>> load_settings({"LOD_BASE": "https://lod.example.org/"}, None).base
'https://lod.example.org/'
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lod.errors import LodError


def _setting(default: Any, help: str, secret: bool = False) -> Any:
    return field(default=default, metadata={"help": help}, repr=not secret)


@dataclass(frozen=True)
class Settings:
    """Every knob of lod, with its default and what it does."""

    base: str = _setting("http://127.0.0.1:8000/", "Base IRI of every published IRI; ends with '/'.")
    data_dir: str = _setting("triples", "Directory of curated and ingested records (Turtle/TriG).")
    var_dir: str = _setting("var", "Directory for built stores; 'current' points at the served one.")
    host: str = _setting("127.0.0.1", "Address `lod serve` listens on.")
    port: int = _setting(8000, "Port `lod serve` listens on.")
    keep_stores: int = _setting(2, "Built stores kept on disk (the served one included).")
    load_piece: int = _setting(
        900_000,
        "Quads per bulk load of a build's store, each written to the build's folder first: under a million, "
        "the loader holds one batch at a time (about 1 GB); 0: one load of everything once all is made, "
        "which holds up to three (about 2.5 GB).",
    )
    query_timeout: float = _setting(10.0, "Seconds a SPARQL query may run; then it is stopped and the client gets 503.")
    query_max_rows: int = _setting(10_000, "Most rows (or triples) a SPARQL result may have; larger ones are refused.")
    query_max_bytes: int = _setting(50_000_000, "Longest SPARQL result, in bytes; longer ones are refused.")
    query_max_length: int = _setting(16_384, "Longest SPARQL query accepted, in characters (longer: 413).")
    query_workers: int = _setting(2, "Query worker processes per server process.")
    query_queue: int = _setting(8, "Queries that may wait for a worker; beyond that, 503 with Retry-After.")
    query_cache: int = _setting(
        2_000, "SPARQL results kept per build and answered from memory when asked again (0: none)."
    )
    title: str = _setting("lod: archival history as linked open data", "Title of the dataset (VoID, DCAT).")
    description: str = _setting(
        "Archival documents, and the people, groups, places and events they record, in CIDOC-CRM.",
        "One-sentence description of the dataset (VoID, DCAT).",
    )
    publisher: str = _setting("lod", "Name of who publishes the dataset (dct:publisher).")
    publisher_url: str = _setting("", "Home page of the publisher, if any.")
    data_license: str = _setting(
        "http://creativecommons.org/publicdomain/zero/1.0/", "Licence IRI of the data lod publishes (dct:license)."
    )
    text_rights: str = _setting(
        "The texts of the documents keep the rights their archive states; each document carries that statement.",
        "Rights on the document texts, as opposed to the data about them (dct:rights).",
    )
    store_url: str = _setting(
        "", "A SPARQL 1.1 server to use as the store (Oxigraph layout: /query, /update, /store); empty: embedded."
    )
    store_query_url: str = _setting("", "The remote store's SPARQL query endpoint, if not {store_url}/query.")
    store_update_url: str = _setting("", "The remote store's SPARQL update endpoint, if not {store_url}/update.")
    store_graph_url: str = _setting("", "The remote store's Graph Store Protocol endpoint, if not {store_url}/store.")
    store_timeout: float = _setting(10.0, "Seconds to wait for the remote store before answering 503.")
    store_user: str = _setting("", "User name for writing to the remote store (HTTP Basic), if it asks for one.")
    store_password: str = _setting("", "Password for writing to the remote store (never printed).", secret=True)
    service_allow: str = _setting(
        "", "Space-separated IRI prefixes of endpoints SPARQL SERVICE may call (none: refused)."
    )

    def __post_init__(self) -> None:
        if not self.base.endswith("/") or "://" not in self.base:
            raise LodError(f"setting 'base' must be an absolute IRI ending with '/', got {self.base!r}")


def describe_settings() -> list[tuple[str, str, str]]:
    """(name, default, help) of every setting, for docs and ``--help``."""
    return [
        (f.name, repr(f.default) if f.repr else "'**********'", f.metadata["help"])
        for f in dataclasses.fields(Settings)
    ]


def load_settings(environ: Mapping[str, str], path: str | Path | None = "lod.toml") -> Settings:
    """Settings from ``LOD_*`` environment variables, then a TOML file, then the defaults."""
    values: dict[str, Any] = {}
    if path is not None and Path(path).is_file():
        try:
            values.update(tomllib.loads(Path(path).read_text(encoding="utf-8")))
        except tomllib.TOMLDecodeError as err:
            raise LodError(f"{path}: not valid TOML: {err}") from None
    for f in dataclasses.fields(Settings):
        key = f"LOD_{f.name.upper()}"
        if key in environ:
            values[f.name] = environ[key]
    return settings_from(values, source=str(path))


def settings_from(values: Mapping[str, Any], source: str = "settings") -> Settings:
    """Settings from a mapping, with each value converted to the field's type."""
    known = {f.name: f for f in dataclasses.fields(Settings)}
    converted: dict[str, Any] = {}
    for name, value in values.items():
        if name not in known:
            raise LodError(f"{source}: unknown setting {name!r} (known: {', '.join(known)})")
        kind: type = type(known[name].default)
        try:
            converted[name] = kind(value)
        except (TypeError, ValueError):
            raise LodError(f"{source}: setting {name!r} must be a {kind.__name__}, got {value!r}") from None
    return Settings(**converted)
