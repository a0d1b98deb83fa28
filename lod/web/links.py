"""HAL ``_links`` for Linked Art records, and the paged Activity Streams collections they point to.

Inverse relations (documents that refer to a person, events a group took part in, members of a
group, events at a place) are collections at ``/data/{kind}/{slug}/{relation}``, paged as
``OrderedCollectionPage``s.
"""

from __future__ import annotations

import math
from typing import Any

from lod.store.queries import RELATIONS, Item
from lod.uris import Uris
from lod.web.conneg import FORMATS

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PAGE_SIZE = 100
LINKED_ART_MODEL = "https://linked.art/model/"
LINKED_ART_API = "https://linked.art/api/1.0/"


def relation_curie(uris: Uris) -> dict[str, Any]:
    return {"name": "lod", "href": uris.base + "ns/#rel-{rel}", "templated": True}


def hal_links(uris: Uris, kind: str, slug: str, counts: dict[str, int]) -> dict[str, Any]:
    """The ``_links`` of a record: self, alternates, versions, its list, its inverse relations."""
    links: dict[str, Any] = {
        "self": {"href": uris.data(kind, slug, "jsonld"), "type": "application/ld+json"},
        "alternate": [
            {"href": uris.data(kind, slug, f.name), "type": f.media_type} for f in FORMATS if f.name != "jsonld"
        ],
        "curies": [
            {"name": "la", "href": LINKED_ART_API + "rels/{rel}", "templated": True},
            relation_curie(uris),
        ],
        "la:modelVersion": {"href": LINKED_ART_MODEL, "title": "1.0"},
        "la:apiVersion": {"href": LINKED_ART_API, "title": "1.0"},
        "la:localVersion": {"href": uris.base + "ns/", "title": "lod extensions and deviations"},
        "collection": {"href": uris.base + f"id/{kind}/"},
    }
    for relation, total in counts.items():
        links[f"lod:{relation}"] = {
            "href": collection_iri(uris, kind, slug, relation),
            "title": RELATIONS[relation][2],
            "count": total,
        }
    return links


def collection_iri(uris: Uris, kind: str, slug: str, relation: str) -> str:
    return f"{uris.data(kind, slug)}/{relation}"


def _item(item: Item) -> dict[str, str]:
    return {"id": item.iri, "type": item.type, "_label": item.label}


def paged(base_iri: str, window: list[Item], total: int, page: int | None, name: str) -> dict[str, Any]:
    """An ``OrderedCollection`` of ``total`` items (``page`` None) or one of its pages, oldest first;
    ``window`` holds the items of that page."""
    last = page_count(total)
    collection = {"id": base_iri, "type": "OrderedCollection", "totalItems": total}
    if page is None:
        return {
            "@context": AS_CONTEXT,
            **collection,
            "summary": name,
            "first": {"id": f"{base_iri}?page=1", "type": "OrderedCollectionPage"},
            "last": {"id": f"{base_iri}?page={last}", "type": "OrderedCollectionPage"},
        }
    start = (page - 1) * PAGE_SIZE
    out: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": f"{base_iri}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": collection,
        "startIndex": start,
    }
    if page > 1:
        out["prev"] = {"id": f"{base_iri}?page={page - 1}", "type": "OrderedCollectionPage"}
    if page < last:
        out["next"] = {"id": f"{base_iri}?page={page + 1}", "type": "OrderedCollectionPage"}
    out["orderedItems"] = [_item(i) for i in window]
    return out


def page_count(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))
