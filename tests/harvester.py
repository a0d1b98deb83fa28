"""A harvester written to the algorithm Yale LUX uses on IIIF Change Discovery streams.

It reads the collection, walks the pages backwards from ``last`` and each page's activities from
the newest, skips activities without ``endTime``, stops at the first one older than its previous
harvest, handles each record once (its newest activity wins) and keeps a copy of every record as
an RDF graph, fetched as Linked Art JSON-LD and expanded with local contexts only.
"""

from __future__ import annotations

import datetime
from typing import Any

import httpx
from rdflib import Graph

from lod.model.jsonld import to_rdf
from lod.uris import Uris


def parse_time(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class Harvester:
    """Follows one change feed; ``copy`` holds the harvested records by IRI."""

    def __init__(self, collection: str, uris: Uris) -> None:
        self.collection = collection
        self.uris = uris
        self.copy: dict[str, Graph] = {}
        self.last: datetime.datetime | None = None
        self.fetched: list[str] = []
        self.removed: list[str] = []

    def harvest(self, client: httpx.Client) -> None:
        """One harvest: everything that changed since the previous one."""
        started = datetime.datetime.now(datetime.UTC)
        self.fetched, self.removed = [], []
        collection = self._json(client, self.collection)
        page_url: str | None = collection["last"]["id"]
        seen: set[str] = set()
        while page_url is not None:
            page = self._json(client, page_url)
            if self._page(client, page, seen):
                break
            page_url = page.get("prev", {}).get("id")
        self.last = started

    def _page(self, client: httpx.Client, page: dict[str, Any], seen: set[str]) -> bool:
        """Process one page, newest first; True when the previous harvest is reached."""
        for activity in reversed(page["orderedItems"]):
            if "endTime" not in activity:
                continue
            if self.last is not None and parse_time(activity["endTime"]) < self.last:
                return True
            iri = activity["object"]["id"]
            if iri in seen:
                continue
            seen.add(iri)
            if activity["type"] in ("Delete", "Move"):
                self.copy.pop(iri, None)
                self.removed.append(iri)
            if activity["type"] == "Move" and activity["target"]["id"] not in seen:
                seen.add(activity["target"]["id"])
                self._fetch(client, activity["target"]["id"])
            elif activity["type"] in ("Create", "Update"):
                self._fetch(client, iri)
        return False

    def _fetch(self, client: httpx.Client, iri: str) -> None:
        response = client.get(iri, headers={"Accept": "application/ld+json"}, follow_redirects=True)
        response.raise_for_status()
        graph = Graph()
        graph.parse(data=to_rdf(response.json(), self.uris), format="nt")  # a record: no graph names
        self.copy[iri] = graph
        self.fetched.append(iri)

    @staticmethod
    def _json(client: httpx.Client, url: str) -> Any:
        response = client.get(url)
        response.raise_for_status()
        assert response.headers["content-type"].startswith("application/ld+json")
        return response.json()
