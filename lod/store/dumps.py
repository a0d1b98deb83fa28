"""The dumps of a build, written next to its store: the whole dataset three ways, gzipped, with checksums.

- ``lod.nq.gz``: N-Quads, one named graph per record (the default graph is their merge, so it
  is left out: load the file and query with the union of the graphs as the default graph);
- ``lod.ttl.gz``: Turtle of the merged default graph, what SPARQL queries see;
- ``lod.jsonl.gz``: JSON Lines, one record per line in its Linked Art JSON-LD (as served, without
  the HAL ``_links``).

Records come file by file (the order of ``triples/``), each file's records in IRI order, so the
same data gives the same files; each file's records are one gzip member of each dump (a gzip file
may hold many; every gzip reader reads them as one stream). The dumps are written as the build
makes the files, and ``dumps/index.tsv`` says where each file's members are: a build that does not
make a file again copies its members from the previous build's dumps (in the kernel, ranges of
unchanged files at once). The Turtle dump declares its prefixes once, at the start. Sizes and
SHA-256 checksums go into the build's record and the dataset description.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from lod.errors import LodError
from lod.store.members import CODE, Members, members, prefixes

__all__ = ["FOLDER", "Dump", "DumpWriter", "Members", "members", "read_dumps"]

FOLDER = "dumps"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Dump:
    """One dump file: its name, what it holds, its size and checksum."""

    name: str
    media_type: str
    title: str
    bytes: int
    sha256: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> Dump:
        return cls(**{k: data[k] for k in ("name", "media_type", "title", "bytes", "sha256")})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


#: The three dumps: file name, media type, title.
KINDS = (
    ("lod.nq.gz", "application/n-quads", "every record, one named graph each"),
    ("lod.ttl.gz", "text/turtle", "the merged default graph"),
    ("lod.jsonl.gz", "application/jsonl", "every record as Linked Art JSON-LD"),
)
NAMES = tuple(name for name, _, _ in KINDS)
INDEX = "index.tsv"  # file<TAB>offset and length of its member in each dump (not served)


class DumpWriter:
    """The three dumps of a build, written file by file in reading order: the members of the files
    the build makes, and for every other file its members in the previous build's dumps."""

    def __init__(self, folder: Path, order: list[str], previous: Path | None) -> None:
        folder.mkdir(exist_ok=True)
        self.folder = folder
        self.order = iter(order)
        self.kept = _read_index(previous) if previous is not None else None
        self.sources = [(previous / name).open("rb") for name in NAMES] if previous and self.kept is not None else []
        self.outputs = [(folder / name).open("wb") for name in NAMES]
        self.index = (folder / INDEX).open("w", encoding="utf-8")
        self.index.write(f"{CODE}\n")
        header = gzip.compress(prefixes(), mtime=0)
        self.outputs[1].write(header)
        self.outputs[1].flush()  # nothing buffered when the making processes are forked
        self.at = [0, len(header), 0]  # where the next member goes in each dump
        self.pending: list[tuple[int, int]] = []  # ranges of the previous dumps still to copy
        self.files = 0

    @property
    def reuses(self) -> bool:
        """Whether the previous build's dumps give the members of the files not made again."""
        return self.kept is not None

    def add(self, name: str, found: Members) -> None:
        """The members of the file ``name`` as this build made them; the files before it are kept."""
        for earlier in self.order:
            if earlier == name:
                break
            self._keep(earlier)
        else:
            raise LodError(f"the dumps were given {name}, which is not the next record file")
        self._copy()
        self._place(name, [len(member) for member in found])
        for output, member in zip(self.outputs, found, strict=True):
            output.write(member)

    def finish(self, progress: Callable[[str], None]) -> list[Dump]:
        """Keep the files after the last one made, close the dumps and describe them."""
        for name in self.order:
            self._keep(name)
        self._copy()
        self.close()
        progress(f"dumps written: {self.files} files")
        return [_described(self.folder / name, media_type, title) for name, media_type, title in KINDS]

    def close(self) -> None:
        for file in (*self.outputs, *self.sources, self.index):
            file.close()

    def _keep(self, name: str) -> None:
        ranges = self.kept.get(name) if self.kept is not None else None
        if ranges is None:
            raise LodError(f"the previous build's dumps have no members of {name}, and this build did not make them")
        self._place(name, [length for _, length in ranges])
        if self.pending and all(at + length == r[0] for (at, length), r in zip(self.pending, ranges, strict=True)):
            self.pending = [(at, length + r[1]) for (at, length), r in zip(self.pending, ranges, strict=True)]
        else:
            self._copy()
            self.pending = list(ranges)

    def _place(self, name: str, lengths: list[int]) -> None:
        """Index the members of ``name`` at the ends of the dumps."""
        self.index.write("\t".join([name, *(f"{at}\t{n}" for at, n in zip(self.at, lengths, strict=True))]) + "\n")
        self.at = [at + n for at, n in zip(self.at, lengths, strict=True)]
        self.files += 1

    def _copy(self) -> None:
        if self.pending:
            for source, output, (at, length) in zip(self.sources, self.outputs, self.pending, strict=True):
                output.flush()
                _copy_range(source, output, at, length)
            self.pending = []


def _read_index(folder: Path) -> dict[str, list[tuple[int, int]]] | None:
    """Where each file's members are in the dumps of ``folder``, or None when they cannot be
    reused: no index (dumps made before it), members written by other code, or dumps that do not
    end where the index says (cut short or written over)."""
    try:
        lines = (folder / INDEX).read_text(encoding="utf-8").splitlines()
        if not lines or lines[0] != CODE:
            return None
        found = {}
        for line in lines[1:]:
            name, *numbers = line.split("\t")
            values = [int(n) for n in numbers]
            found[name] = [(values[i], values[i + 1]) for i in range(0, 6, 2)]
        if not found:
            return found
        ends = [max(r[i][0] + r[i][1] for r in found.values()) for i in range(len(NAMES))]
        sizes = [(folder / name).stat().st_size for name in NAMES]
        return found if ends == sizes else None
    except (OSError, ValueError, IndexError):
        return None


def _copy_range(source: BinaryIO, output: BinaryIO, at: int, length: int) -> None:
    """``length`` bytes of ``source`` from ``at`` to the end of ``output``, in the kernel where it can."""
    end = at + length
    try:
        while at < end:
            copied = os.copy_file_range(source.fileno(), output.fileno(), end - at, at)
            if copied == 0:
                raise LodError(f"{source.name} ends before byte {end}: its index does not match it")
            at += copied
    except OSError:  # another file system: through user space
        source.seek(at)
        while at < end:
            chunk = source.read(min(_CHUNK, end - at))
            if not chunk:
                raise LodError(f"{source.name} ends before byte {end}: its index does not match it") from None
            output.write(chunk)
            at += len(chunk)
    output.seek(0, os.SEEK_END)


def _described(path: Path, media_type: str, title: str) -> Dump:
    checksum = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            checksum.update(chunk)
    return Dump(path.name, media_type, title, path.stat().st_size, checksum.hexdigest())


def read_dumps(meta: dict[str, Any]) -> list[Dump]:
    """The dumps a build recorded (none for builds made before dumps existed)."""
    return [Dump.of(item) for item in meta.get("dumps", [])]
