"""Archive pages as typed records: the first layer of lod."""

from lod.sources.record import (
    ArchivePart,
    Citation,
    DayEntry,
    DistributionEntry,
    DocumentDate,
    DocumentRecord,
    DocumentType,
    Family,
    Span,
)
from lod.sources.wilson import parse_file, parse_page

__all__ = [
    "ArchivePart",
    "Citation",
    "DayEntry",
    "DistributionEntry",
    "DocumentDate",
    "DocumentRecord",
    "DocumentType",
    "Family",
    "Span",
    "parse_file",
    "parse_page",
]
