"""Comparing a parsed record with a hand-written expectation, field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lod.errors import PageError
from lod.sources import DocumentRecord, parse_file


def _text(span: dict[str, Any] | None) -> str | None:
    return span["text"] if span else None


def observed(record: DocumentRecord) -> dict[str, Any]:
    """The record in the shape of the ``*.expected.json`` files."""
    d = record.as_dict()
    citation = d["citation"]
    return {
        "family": d["family"],
        "title": _text(d["title"]),
        "date_iso": d["date"]["iso"],
        "date_printed": d["date"]["printed"]["text"],
        "document_type": d["document_type"]["slug"] if d["document_type"] else None,
        "authors": [a["text"] for a in d["authors"]],
        "translators": [a["text"] for a in d["translators"]],
        "obtainers": [a["text"] for a in d["obtainers"]],
        "translated_for": _text(d["translated_for"]),
        "citation": _text(citation["printed"]) if citation else None,
        "citation_parts": [
            {k: p[k] for k in ("archive", "fond", "opis", "papka", "delo", "listy", "file")} for p in citation["parts"]
        ]
        if citation
        else [],
        "record_id": _text(d["record_id"]),
        "url": _text(d["url"]),
        "funders": [f["text"] for f in d["funders"]],
        "summary": _text(d["summary"]),
        "rights_start": d["rights"]["text"][:40] if d["rights"] else None,
        "header": _text(d["header"]),
        "signature": _text(d["signature"]),
        "copies": _text(d["copies"]),
        "distribution": [e["recipient"]["text"] for e in d["distribution"]],
        "registry": _text(d["registry"]),
        "days": [
            {
                "heading": _text(day["heading"]),
                "date": day["date"]["iso"] if day["date"] else None,
                "sections": len(day["sections"]),
            }
            for day in d["days"]
        ],
        "original_language": _text(d["original_language"]),
        "classification": _text(d["classification"]),
    }


def outcome(page: Path) -> dict[str, Any]:
    """What the parser makes of a page: the observed fields, or the error and its line."""
    try:
        return observed(parse_file(page))
    except PageError as err:
        return {"error": type(err).__name__, "line": err.line}


def expected(page: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(page.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return data


def differences(page: Path) -> list[str]:
    """Every field where the parser and the expectation disagree, readably."""
    want, got = expected(page), outcome(page)
    return [
        f"{key}:\n  expected {want[key]!r}\n  got      {got.get(key)!r}" for key in want if want[key] != got.get(key)
    ]
