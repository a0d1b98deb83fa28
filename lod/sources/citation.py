"""Archival citations (wilson-format.md §6): archive parts and who obtained and translated.

>>> text = "AVPRF F. 0102, Op. 13, Delo 5, Listy 257-307. Translated for NKIDP by Gary Goldberg."
>>> c = parse_citation(Span(0, len(text), text))
>>> c.parts[0].archive, c.parts[0].units()
('AVPRF', {'fond': '0102', 'opis': '13', 'delo': '5', 'listy': '257-307'})
>>> [t.text for t in c.translators], c.translated_for.text
(['Gary Goldberg'], 'NKIDP')
"""

from __future__ import annotations

import re

from lod.sources.record import ArchivePart, Citation, Span

_ARCHIVES = (
    ("AVPRF", r"AVP ?RF"),
    ("APRF", r"APRF"),
    ("RGANI", r"RGANI"),
    ("TsAMO RF", r"TsAMO(?: RF)?"),
    ("PRC FMA", r"PRC FMA"),
    ("MNL OL", r"MNL OL"),
    ("MOL", r"MOL"),
    ("PolA AA", r"Political Archive of the Federal Foreign Office[^.]*"),
    ("BStU", r"BStU"),
    ("Polish Foreign Ministry Archive", r"Polish Foreign Ministry Archive"),
    ("Central State Archive, Tirana", r"Central State Archive, Tirana"),
)
_ARCHIVE_START = "|".join(pattern for _, pattern in _ARCHIVES)

_UNITS = {
    "fond": re.compile(r"(?:\bF\.|\bFond\b|\bfond\b|Фонд)\s*(\d\w*)"),
    "opis": re.compile(r"(?:\bOp\.|\bOpis'?|\bopis'?|\bO\.)\s*(\d\w*)"),
    "papka": re.compile(r"(?:\bP\.|\bPapka\b|\bpapka\b)\s*(\d\w*)"),
    "delo": re.compile(r"(?:\bDelo\b|\bdelo\b|\bD\.|Справа)\s*(\d\w*)"),
    "listy": re.compile(r"(?:\bListy\b|\bList\b|\blist\b|\bp\.|\bYed\. Khr\.)\s*(\d[\d?]*(?:\s*[-–]\s*\d+)?)"),
}
_PRC_FILE = re.compile(r"PRC FMA\s+(\d{3}-\d{5}-\d{2}),\s*(\d+(?:-\d+)?)")

_URL = re.compile(r"\s*https?://\S+$")
_CLAUSE = re.compile(r"(?:^|[.;,]\s+|;)(?=(?:obtained|translated|translation by)\b)", re.IGNORECASE)
_PART_SPLIT = re.compile(rf";\s*(?:and\s+)?|,?\s+and\s+(?={_ARCHIVE_START})")
_NAMES = re.compile(r",\s*(?:and\s+)?|\s+and\s+")

_OBTAINED_AND_TRANSLATED = re.compile(r"obtained and translated (?:for (?P<for>\S+) )?by (?P<both>.+)", re.IGNORECASE)
_OBTAINED_THEN_TRANSLATED = re.compile(
    r"obtained (?:for (?P<for1>\S+) )?by (?P<obt>.+?),? and translated "
    r"(?:for (?P<for>\S+) )?by (?P<tr>.+)",
    re.IGNORECASE,
)
_OBTAINED = re.compile(r"obtained (?:for (?P<for>\S+) )?by (?P<obt>[^,;]+)", re.IGNORECASE)
_TRANSLATED = re.compile(r"translated (?:for (?P<for>\S+) )?by (?P<tr>.+)", re.IGNORECASE)
_TRANSLATION_BY = re.compile(r"translation by (?P<tr>[^(]+?)(?:\s*\((?P<aff>[^)]*)\))?$", re.IGNORECASE)


def parse_citation(printed: Span) -> Citation:
    """Split a citation (archive parts, then an optional clause and URL) into its parts."""
    text = printed.text
    end = len(text)
    if url := _URL.search(text):
        end = url.start()
    clause_at = _CLAUSE.search(text, 0, end)
    archive_end = clause_at.start() if clause_at else end
    parts = tuple(_archive_parts(printed, 0, archive_end))
    if not clause_at:
        return Citation(printed=printed, parts=parts)
    clause_start = clause_at.end()
    clause = _sub(printed, clause_start, end)
    obtainers, translators, for_whom = _clause(clause)
    return Citation(
        printed=printed,
        parts=parts,
        translators=translators,
        obtainers=obtainers,
        translated_for=for_whom,
        clause=clause,
    )


def _sub(span: Span, start: int, end: int) -> Span:
    """The trimmed sub-span ``span.text[start:end]`` with absolute offsets."""
    text = span.text
    while start < end and (text[start].isspace() or text[start] in ";,"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".;,"):
        end -= 1
    return Span(span.start + start, span.start + end, text[start:end])


def _archive_parts(printed: Span, start: int, end: int) -> list[ArchivePart]:
    bounds = [start]
    for m in _PART_SPLIT.finditer(printed.text, start, end):
        bounds += [m.start(), m.end()]
    bounds.append(end)
    parts = []
    for a, b in zip(bounds[::2], bounds[1::2], strict=True):
        span = _sub(printed, a, b)
        if span.text:
            parts.append(_archive_part(span))
    return parts


def _archive_part(span: Span) -> ArchivePart:
    text = span.text
    archive = text.split(",")[0].strip()
    for name, start in _ARCHIVES:
        if re.match(start, text):
            archive = name
            break
    units: dict[str, str] = {}
    if m := _PRC_FILE.search(text):
        units = {"file": m[1], "listy": m[2]}
    else:
        for unit, pattern in _UNITS.items():
            if m := pattern.search(text):
                units[unit] = re.sub(r"\s+", "", m[1]).replace("–", "-")
    return ArchivePart(printed=span, archive=archive, **units)


def _names(clause: Span, match: re.Match[str], group: str) -> tuple[Span, ...]:
    start, end = match.span(group)
    names = []
    pos = start
    for sep in [*list(_NAMES.finditer(clause.text, start, end)), None]:
        stop = sep.start() if sep else end
        name = _sub(clause, pos, stop)
        if name.text:
            names.append(name)
        if sep:
            pos = sep.end()
    return tuple(names)


def _for(clause: Span, match: re.Match[str], *groups: str) -> Span | None:
    for group in groups:
        if match.group(group):
            return _sub(clause, *match.span(group))
    return None


def _clause(clause: Span) -> tuple[tuple[Span, ...], tuple[Span, ...], Span | None]:
    """(obtainers, translators, translated for) from an acquisition/translation clause."""
    text = clause.text
    if m := _OBTAINED_AND_TRANSLATED.match(text):
        both = _names(clause, m, "both")
        return both, both, _for(clause, m, "for")
    if m := _OBTAINED_THEN_TRANSLATED.match(text):
        return _names(clause, m, "obt"), _names(clause, m, "tr"), _for(clause, m, "for", "for1")
    if m := _OBTAINED.match(text):
        return _names(clause, m, "obt"), (), _for(clause, m, "for")
    if m := _TRANSLATED.match(text):
        return (), _names(clause, m, "tr"), _for(clause, m, "for")
    if m := _TRANSLATION_BY.match(text):
        return (), _names(clause, m, "tr"), None
    return (), (), None
