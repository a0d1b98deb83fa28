"""lod: linked open data for archival history.

Archive pages become typed records (:func:`parse_file`), records become CIDOC-CRM graphs, graphs
are built into a store (:func:`build`) and served (:func:`create_app`).
"""

from lod.errors import LodError
from lod.settings import Settings, load_settings
from lod.sources import DocumentRecord, parse_file, parse_page
from lod.store.build import build
from lod.uris import Uris
from lod.web.app import create_app

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
