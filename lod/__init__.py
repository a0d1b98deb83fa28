"""lod: linked open data for archival history.

Archive pages become typed records (:func:`parse_file`), records become CIDOC-CRM graphs, graphs
are built into a store (:func:`build`) and served (:func:`create_app`).
"""

import importlib as _importlib
import typing as _typing

from lod.errors import LodError
from lod.settings import Settings, load_settings
from lod.uris import Uris

if _typing.TYPE_CHECKING:
    from lod.sources import DocumentRecord, parse_file, parse_page
    from lod.store.build import build
    from lod.web.app import create_app

# Loaded on first use, so that a process needing little (a query worker) imports little.
_LAZY = {
    "DocumentRecord": "lod.sources",
    "parse_file": "lod.sources",
    "parse_page": "lod.sources",
    "build": "lod.store.build",
    "create_app": "lod.web.app",
}

__all__ = [
    "DocumentRecord",
    "LodError",
    "Settings",
    "Uris",
    "build",
    "create_app",
    "load_settings",
    "parse_file",
    "parse_page",
]


def __getattr__(name: str) -> _typing.Any:
    if name in _LAZY:
        return getattr(_importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lod' has no attribute {name!r}")
