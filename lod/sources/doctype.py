"""Document types (wilson-format.md §9): the type line when printed, else inferred from the title.

>>> document_type(Span(0, 5, "Ciphered Telegram, Shtykov to Feng Xi (Stalin)"), None, "").slug
'telegram'
>>> title = "From the Journal of A. M. Puzanov, Record of a Conversation with Kim Il Sung"
>>> document_type(Span(0, len(title), title), None, "").slug
'diary-entry'
"""

from __future__ import annotations

import re

from lod.sources.record import DocumentType, Span

#: slug → label of every type in our concept scheme (triples/concept/).
TYPES = {
    "diary-entry": "Diary Entry",
    "memorandum-of-conversation": "Memorandum of Conversation",
    "telegram": "Telegram",
    "letter": "Letter",
    "report": "Report",
    "minutes": "Minutes",
    "note": "Note",
    "resolution": "Resolution",
}

_BY_TITLE = (
    ("diary-entry", r"^(?:From )?(?:the )?Journal\b|\bfrom the journal\b|^Diary\b"),
    ("minutes", r"^Minutes\b|^Stenographic Record\b|^Verbatim Transcript\b"),
    (
        "memorandum-of-conversation",
        r"^Memorandum of (?:a )?Conversation\b|^Record of (?:a |the )?Conversation\b|"
        r"^Note on (?:a |the )?Conversation\b|^Conversation between\b|^Record of (?:a |the )?Meeting\b",
    ),
    ("telegram", r"^(?:Ciphered |Coded )?(?:Telegram|Cable|Cablegram)\b"),
    ("letter", r"^Letter\b"),
    ("report", r"^(?:Information )?Report\b|^Information\b"),
    ("note", r"^Note\b"),
    ("resolution", r"^Resolution\b|\bDecision\b"),
)


def document_type(title: Span, type_line: Span | None, body_start: str) -> DocumentType | None:
    """The document's type: the printed type line first, then the title, then the body's opening."""
    if type_line is not None:
        label = type_line.text
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        return DocumentType(slug=slug, label=TYPES.get(slug, label), printed=type_line)
    if re.search(r"^Dear\b.*!$", body_start, re.MULTILINE):
        return DocumentType(slug="letter", label=TYPES["letter"], printed=None)  # a "Report" can be a letter (§9)
    for slug, pattern in _BY_TITLE:
        if re.search(pattern, title.text, re.IGNORECASE):
            return DocumentType(slug=slug, label=TYPES[slug], printed=None)
    if re.match(r"Ciphered Telegram\b", body_start):
        return DocumentType(slug="telegram", label=TYPES["telegram"], printed=None)
    return None
