"""A per-build cache of rendered representations on disk, shared by every worker process.

Rendering (JSON-LD compaction above all) is the slow part of a record request. A representation
rendered by any worker is kept in ``var/stores/<build>/representations.sqlite``, so each is made
once per build, whatever the number of workers and restarts; the cache goes with its build.
"""

from __future__ import annotations

import contextlib
import gzip
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from lod.web.caching import etag_of

GZIP_MIN = 1400

SCHEMA = """
CREATE TABLE IF NOT EXISTS representation (
    key TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    etag TEXT NOT NULL,
    body BLOB NOT NULL,
    gzipped BLOB,
    gzip_etag TEXT
)"""


@dataclass(frozen=True)
class Representation:
    """Bytes of one record in one format, from one build, with their entity tag."""

    body: bytes
    content_type: str
    etag: str
    gzipped: bytes | None = None
    gzip_etag: str | None = None

    @classmethod
    def of(cls, body: bytes, content_type: str) -> Representation:
        if len(body) < GZIP_MIN:
            return cls(body, content_type, etag_of(body))
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        return cls(body, content_type, etag_of(body), packed, etag_of(body, "-gzip"))

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


class DiskCache:
    """Rendered representations of one build, keyed by kind, slug, format and profile."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")
            connection.execute(SCHEMA)
            self._local.connection = connection
        return connection

    def get(self, key: str) -> Representation | None:
        """The representation kept under ``key``, if any."""
        try:
            row = (
                self._connection()
                .execute(
                    "SELECT body, content_type, etag, gzipped, gzip_etag FROM representation WHERE key = ?", (key,)
                )
                .fetchone()
            )
        except sqlite3.Error:
            return None
        if row is None:
            return None
        body, content_type, etag, gzipped, gzip_etag = row
        return Representation(bytes(body), content_type, etag, None if gzipped is None else bytes(gzipped), gzip_etag)

    def put(self, key: str, made: Representation) -> None:
        """Keep a representation; a cache that cannot be written only makes a slower server."""
        with contextlib.suppress(sqlite3.Error):
            self._connection().execute(
                "INSERT OR IGNORE INTO representation VALUES (?, ?, ?, ?, ?, ?)",
                (key, made.content_type, made.etag, made.body, made.gzipped, made.gzip_etag),
            )
