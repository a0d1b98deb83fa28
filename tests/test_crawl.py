"""A crawler from `/`: every link and every IRI under the base, in every format, dereferences."""

from __future__ import annotations

import json
import re
from collections import deque
from typing import Any
from urllib.parse import urljoin

from tests.conftest import BASE, Client

EXTENSIONS = ("jsonld", "ttl", "nt", "nq", "rdf", "html")
LIMIT = 6000


def _paths_in(page: str, text: str, content_type: str) -> set[str]:
    found: set[str] = set()
    if content_type.startswith("text/html"):
        for href in re.findall(r'(?:href|src)="([^"]+)"', text):
            found.add(href)
    elif "json" in content_type:

        def walk(value: Any) -> None:
            if isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)
            elif isinstance(value, str):
                found.add(value)

        walk(json.loads(text))
    found |= set(re.findall(r"<(http://127\.0\.0\.1:8000/[^>\s]*)>", text))
    found |= set(re.findall(r'rdf:(?:about|resource)="(http://127\.0\.0\.1:8000/[^"]*)"', text))
    out = set()
    for item in found:
        if item.startswith(BASE):
            item = item[len(BASE) - 1 :]
        elif item.startswith("?"):
            item = urljoin(page, item)
        if not item.startswith("/") or "{" in item or item.startswith("//"):
            continue
        out.add(item.split("#", 1)[0])
    return out


def test_crawl_from_the_landing_page(client: Client) -> None:
    queue: deque[str] = deque(["/"])
    seen: set[str] = set()
    failures = []
    records = set()
    while queue and len(seen) < LIMIT:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        accept = "text/html" if not path.startswith(("/id/", "/data/")) or path.endswith("/") else "*/*"
        response = client.get(path, headers={"Accept": accept}, follow_redirects=True)
        if response.status_code != 200:
            failures.append(f"{response.status_code} {path}")
            continue
        match = re.match(r"^/(?:id|data)/(\w+)/([a-z0-9-]+)(?:\.\w+)?$", path)
        if match and (match[1], match[2]) not in records:
            records.add((match[1], match[2]))
            queue.extend(f"/data/{match[1]}/{match[2]}.{ext}" for ext in EXTENSIONS)
        queue.extend(_paths_in(path, response.text, response.headers.get("content-type", "")) - seen)
    assert not failures, "\n".join(sorted(failures)[:50])
    assert len(seen) < LIMIT, "the crawl hit its bound"
    kinds = {kind for kind, _ in records}
    assert kinds == {"document", "person", "group", "place", "event", "concept", "annotation"}
    assert len(records) == 211
