"""Linked Art JSON-LD records validate against the Linked Art 1.0 JSON Schemas where lod conforms;
each deviation is declared (DEVIATIONS, served at /ns/ as la:localVersion) and only those are removed
before validating."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from lod.model.jsonld import DEVIATIONS
from lod.settings import Settings
from lod.store.embedded import current_build
from tests.conftest import ROOT, Client

BUNDLED = Path(__file__).parent / "data" / "linked-art-1.0"
SCHEMA_OF = {
    "person": "person.json",
    "group": "group.json",
    "place": "place.json",
    "event": "event.json",
    "document": "text.json",
    "concept": "concept.json",
}


def schemas() -> dict[str, Any]:
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in BUNDLED.glob("*.json")}


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("type", [])
    return value if isinstance(value, list) else [value]


def conforming(node: Any, is_root: bool = True) -> Any:
    """The document without what the declared deviations add, for schema validation."""
    if isinstance(node, list):
        return [conforming(item, False) for item in node]
    if not isinstance(node, dict):
        return node
    types = _types(node)
    is_part = not is_root and "#" in str(node.get("id", ""))
    out = {}
    for key, value in node.items():
        removed = False
        for deviation in DEVIATIONS:
            on = deviation["on"]
            applies = ("*" in on and is_root) or ("part" in on and is_part) or bool(set(types) & set(on))
            removed = removed or (key in deviation["keys"] and applies)
        if not removed:
            out[key] = conforming(value, False)
    if "type" in out:
        mapped = list(types)
        for deviation in DEVIATIONS:
            for old, new in deviation.get("types", {}).items():
                mapped = [new if t == old else t for t in mapped if not (t == old and new is None)]
        out["type"] = mapped[0] if len(mapped) == 1 else mapped
    return out


@pytest.fixture(scope="module")
def validators() -> dict[str, Draft202012Validator]:
    found = schemas()
    registry = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in found.values())
    return {kind: Draft202012Validator(found[name], registry=registry) for kind, name in SCHEMA_OF.items()}


def test_the_schemas_are_here() -> None:
    assert {"person.json", "group.json", "place.json", "event.json", "text.json", "concept.json", "core.json"} <= set(
        schemas()
    )


@pytest.mark.parametrize("kind", sorted(SCHEMA_OF))
def test_every_record_of_a_kind_validates(
    kind: str, built: Settings, client: Client, validators: dict[str, Draft202012Validator]
) -> None:
    slugs = [slug for slug, _ in current_build(Path(built.var_dir)).slugs(kind)]
    assert slugs
    for slug in slugs:
        document = client.get(f"/data/{kind}/{slug}.jsonld").json()
        errors = [
            f"{list(e.absolute_path)}: {e.message[:200]}" for e in validators[kind].iter_errors(conforming(document))
        ]
        assert not errors, f"{kind}/{slug}:\n" + "\n".join(errors)


def test_without_the_deviations_declared_the_records_would_not_validate(
    client: Client, validators: dict[str, Draft202012Validator]
) -> None:
    """The declarations are needed: each one removes something the schemas reject."""
    person = client.get("/data/person/kim-il-sung.jsonld").json()
    assert list(validators["person"].iter_errors(person))
    document = client.get("/data/document/journal-soviet-ambassador-dprk-am-puzanov-25-october-1957.jsonld").json()
    assert list(validators["document"].iter_errors(document))


def test_deviations_are_declared_in_local_version_and_docs(client: Client) -> None:
    person = client.get("/data/person/kim-il-sung.jsonld").json()
    served = client.get(person["_links"]["la:localVersion"]["href"][len("http://127.0.0.1:8000") :]).json()
    assert [d["id"] for d in served["deviations"]] == [d["id"] for d in DEVIATIONS]
    docs = (ROOT / "docs" / "linked-art.md").read_text(encoding="utf-8")
    for deviation in DEVIATIONS:
        assert f"`{deviation['id']}`" in docs
