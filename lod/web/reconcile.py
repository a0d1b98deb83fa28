"""Name search (``/search``) and the W3C Entity Reconciliation Service API 0.2 (``/reconcile``),
the one OpenRefine speaks, over the served build's name index (:mod:`lod.search.index`).

Every answer is JSON (JSONP with ``callback=``, for old clients) with CORS open; bad input is a
``400`` that says which parameter is wrong, and batches and lengths are bounded.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lod.errors import StoreUnavailable
from lod.search.index import FILE, Names
from lod.search.keys import keys
from lod.search.match import Candidate, is_sure
from lod.store.embedded import Build
from lod.uris import Uris
from lod.web.harvest import BadRequest
from lod.web.records import Answer

TYPES = {"person": "Person", "group": "Group", "place": "Place", "document": "Document", "event": "Event"}
NAMED = ("person", "group", "place")
#: What data extension adds to a column of people, groups or places.
PROPERTIES = {
    "born": "Date of birth",
    "died": "Date of death",
    "groups": "Groups it belonged to",
    "documents": "Number of documents that refer to it",
    "first": "Date of the first document that refers to it",
    "last": "Date of the last document that refers to it",
}
#: Properties a reconciliation query may give to re-rank candidates.
QUERY_PROPERTIES = {
    "group": "A group it belonged to (name or IRI)",
    "date": "A year or range of years it is documented in",
}
MOST_QUERIES = 1_000
MOST_CANDIDATES = 50
LONGEST = 300  # characters of a name or a prefix
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$.]{0,63}$")
_YEARS = re.compile(r"^\s*(\d{4})\s*(?:[-–/]\s*(\d{4}))?\s*$")


class Reconciler:
    """Search and reconciliation over the name index of the served build (loaded once per build)."""

    def __init__(self, uris: Uris, build: Any, render: Any) -> None:
        self.uris = uris
        self._build = build  # a callable: the served Build
        self._render = render  # the HTML page renderer (template, **context) → bytes
        self._names: tuple[Path, Names] | None = None
        self._lock = threading.Lock()

    def names(self) -> Names:
        build: Build = self._build()
        with self._lock:
            if self._names is None or self._names[0] != build.path:
                path = build.path / FILE
                if not path.exists():
                    raise StoreUnavailable("the served build has no name index: run `lod build` again")
                if self._names is not None:
                    self._names[1].close()
                self._names = (build.path, Names(path))
            return self._names[1]

    # The service

    def manifest(self) -> dict[str, Any]:
        base = self.uris.base.rstrip("/")
        return {
            "versions": ["0.2"],
            "name": "lod: people, groups, places, documents and events of archival history",
            "identifierSpace": f"{self.uris.base}id/",
            "schemaSpace": "http://www.cidoc-crm.org/cidoc-crm/",
            "documentation": f"{self.uris.base}docs",
            "defaultTypes": [{"id": kind, "name": name} for kind, name in TYPES.items()],
            "view": {"url": "{{id}}"},
            "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 420, "height": 160},
            "suggest": {
                "entity": {"service_url": base, "service_path": "/reconcile/suggest/entity"},
                "type": {"service_url": base, "service_path": "/reconcile/suggest/type"},
                "property": {"service_url": base, "service_path": "/reconcile/suggest/property"},
            },
            "extend": {
                "propose_properties": {"service_url": base, "service_path": "/reconcile/properties"},
                "property_settings": [],
            },
        }

    def reconcile(self, batch: Any) -> dict[str, Any]:
        """The results of a batch of queries (``{"q0": {"query": …}, …}``)."""
        if not isinstance(batch, dict):
            raise BadRequest('queries: a JSON object of queries was expected, like {"q0": {"query": "Kim Il"}}')
        if len(batch) > MOST_QUERIES:
            raise BadRequest(f"queries: at most {MOST_QUERIES} queries in a batch, not {len(batch)}")
        return {str(key): {"result": self._results(str(key), query)} for key, query in batch.items()}

    def _results(self, key: str, query: Any) -> list[dict[str, Any]]:
        if not isinstance(query, dict) or not isinstance(query.get("query"), str):
            raise BadRequest(f"queries.{key}: an object with a string 'query' was expected")
        name = query["query"]
        if len(name) > LONGEST:
            raise BadRequest(f"queries.{key}.query: at most {LONGEST} characters")
        kinds = kinds_of(query.get("type"), f"queries.{key}.type") if "type" in query else list(NAMED)
        limit = _limit(query.get("limit"), f"queries.{key}.limit")
        wanted = _wanted(query.get("properties"), f"queries.{key}.properties")
        names = self.names()
        found = names.matcher.candidates(name, [k for k in kinds if k in NAMED], limit=MOST_CANDIDATES)
        results = [self._candidate(c, wanted, names) for c in found]
        for iri, kind, label, date in names.texts(name, {k for k in kinds if k not in NAMED}, MOST_CANDIDATES):
            value = 95.0 if keys(label).folded == keys(name).folded else 60.0
            results.append(_result(iri, label, kind, value, date, [{"id": "name", "value": value}]))
        results.sort(key=lambda r: -r["score"])
        sure = is_sure([r["score"] for r in results])
        results = results[:limit]
        for number, result in enumerate(results):
            result["match"] = sure and number == 0
        return results

    def _candidate(self, candidate: Candidate, wanted: dict[str, list[Any]], names: Names) -> dict[str, Any]:
        entity = candidate.entity
        features: list[dict[str, Any]] = [{"id": "name", "value": candidate.score}]
        value = candidate.score
        facts = names.facts(entity.iri)
        for group in wanted.get("group", []):
            member = facts is not None and self._in_group(group, facts.groups, names)
            features.append({"id": "group", "value": member})
            value += 5 if member else -10
        for years in wanted.get("date", []):
            within = facts is not None and _overlaps(years, facts.first, facts.last)
            features.append({"id": "date", "value": within})
            value += 5 if within else -10
        result = _result(
            entity.iri, entity.label, entity.kind, max(0.0, min(100.0, value)), entity.description, features
        )
        if candidate.spelling != entity.label:
            result["description"] = f"printed {candidate.spelling!r}; {result.get('description', '')}".rstrip("; ")
        return result

    def _in_group(self, group: Any, groups: tuple[str, ...], names: Names) -> bool:
        if isinstance(group, dict):
            group = group.get("id") or group.get("name") or ""
        group = str(group)
        if group in groups:
            return True
        return any(c.entity.iri in groups for c in names.matcher.candidates(group, ["group"], limit=5) if c.score >= 85)

    def suggest_entities(self, prefix: str, kinds: list[str] | None) -> dict[str, Any]:
        if len(prefix) > LONGEST:
            raise BadRequest(f"prefix: at most {LONGEST} characters")
        names = self.names()
        wanted = [k for k in (kinds or NAMED) if k in NAMED]
        found = names.matcher.candidates(prefix, wanted, limit=10)
        seen = {c.entity.iri for c in found}
        for entity in names.matcher.prefixed(prefix, wanted, limit=20):
            if entity.iri not in seen and len(found) < 20:
                seen.add(entity.iri)
                found.append(Candidate(entity, 0.0, "prefix", entity.label))
        return {
            "result": [
                {"id": c.entity.iri, "name": c.entity.label, "description": c.entity.description[:200],
                 "notable": [{"id": c.entity.kind, "name": TYPES[c.entity.kind]}]}
                for c in found
            ]
        }  # fmt: skip

    @staticmethod
    def suggest_types(prefix: str) -> dict[str, Any]:
        folded = prefix.strip().lower()
        return {
            "result": [{"id": k, "name": n} for k, n in TYPES.items() if k.startswith(folded) or folded in n.lower()]
        }

    @staticmethod
    def suggest_properties(prefix: str) -> dict[str, Any]:
        folded = prefix.strip().lower()
        every = {**QUERY_PROPERTIES, **PROPERTIES}
        return {
            "result": [
                {"id": p, "name": p, "description": d} for p, d in every.items() if folded in p or folded in d.lower()
            ]
        }

    @staticmethod
    def proposed(kind: str | None, limit: int | None) -> dict[str, Any]:
        if kind is not None and kind not in TYPES:
            raise BadRequest(f"type: unknown type {kind!r}; the types are {', '.join(TYPES)}")
        found = [{"id": p, "name": d} for p, d in PROPERTIES.items()] if kind in (None, *NAMED) else []
        out: dict[str, Any] = {"properties": found[: limit or len(found)]}
        if kind is not None:
            out["type"] = kind
        if limit is not None:
            out["limit"] = limit
        return out

    def extend(self, request: Any) -> dict[str, Any]:
        """Data extension: the values of some properties for some entities."""
        if not isinstance(request, dict) or not isinstance(request.get("ids"), list):
            raise BadRequest("extend: a JSON object with 'ids' and 'properties' was expected")
        ids, asked = request["ids"], request.get("properties")
        if len(ids) > MOST_QUERIES:
            raise BadRequest(f"extend.ids: at most {MOST_QUERIES} entities at once, not {len(ids)}")
        if not isinstance(asked, list) or not all(isinstance(p, dict) and isinstance(p.get("id"), str) for p in asked):
            raise BadRequest("extend.properties: a list of objects with an 'id' was expected")
        unknown = [p["id"] for p in asked if p["id"] not in PROPERTIES]
        if unknown:
            raise BadRequest(f"extend.properties: unknown {unknown}; the properties are {', '.join(PROPERTIES)}")
        names = self.names()
        rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for iri in map(str, ids):
            facts = names.facts(iri)
            row: dict[str, list[dict[str, Any]]] = {}
            for prop in (p["id"] for p in asked):
                row[prop] = [] if facts is None else _values(prop, facts, names)
            rows[iri] = row
        meta = [{"id": p["id"], "name": PROPERTIES[p["id"]]} for p in asked]
        for item in meta:
            if item["id"] == "groups":
                item["type"] = {"id": "group", "name": "Group"}
        return {"meta": meta, "rows": rows}

    def preview(self, iri: str) -> bytes:
        """A small HTML card of an entity, for OpenRefine's preview pane."""
        names = self.names()
        entity = names.entities.get(iri)
        label = entity.label if entity else names.label(iri)
        if label is None:
            raise BadRequest(f"id: no person, group, place, document or event <{iri[:200]}>")
        others = [s for s in entity.spellings if s != entity.label] if entity else []
        kind = TYPES[entity.kind] if entity else ""
        return bytes(
            self._render("preview.html", iri=iri, label=label, kind=kind, entity=entity, others=others[:8],
                         facts=names.facts(iri))
        )  # fmt: skip

    # Search

    def search(self, query: str, kinds: list[str] | None, limit: int) -> dict[str, Any]:
        if len(query) > LONGEST:
            raise BadRequest(f"q: at most {LONGEST} characters")
        names = self.names()
        wanted = kinds or list(TYPES)
        results: list[dict[str, Any]] = []
        named = [k for k in wanted if k in NAMED]
        found = names.matcher.candidates(query, named, limit=limit)
        seen = {c.entity.iri for c in found}
        more = names.matcher.prefixed(query, named, limit)
        found += [Candidate(e, 50.0, "words", e.label) for e in more if e.iri not in seen]
        results = []
        for c in found:
            results.append({"id": c.entity.iri, "kind": c.entity.kind, "label": c.entity.label, "matched": c.spelling,
                            "level": c.level, "score": c.score, "description": c.entity.description,
                            "dates": _years(names.facts(c.entity.iri))})  # fmt: skip
        for iri, kind, label, date in names.texts(query, {k for k in wanted if k not in NAMED}, limit):
            results.append({"id": iri, "kind": kind, "label": label, "matched": label, "level": "words",
                            "score": 40.0, "description": "", "dates": date})  # fmt: skip
        return {"query": query, "results": results}

    def search_page(self, query: str, found: dict[str, Any] | None) -> bytes:
        return bytes(self._render("search.html", label="Search", query=query, found=found, types=TYPES))


def _years(facts: Any) -> str:
    """The years of the documents that refer to an entity: ``1957`` or ``1956–1958``."""
    if facts is None or not facts.first or not facts.last:
        return ""
    first, last = facts.first[:4], facts.last[:4]
    return first if first == last else f"{first}–{last}"


def _result(
    iri: str, name: str, kind: str, score: float, description: str, features: list[dict[str, Any]]
) -> dict[str, Any]:
    result: dict[str, Any] = {"id": iri, "name": name, "type": [{"id": kind, "name": TYPES[kind]}],
                              "score": round(score, 1), "features": features}  # fmt: skip
    if description:
        result["description"] = description[:300]
    return result


def kinds_of(value: Any, where: str) -> list[str]:
    if value is None:
        return list(TYPES)
    wanted = [value] if isinstance(value, str) else value
    if not isinstance(wanted, list) or not all(isinstance(k, str) for k in wanted):
        raise BadRequest(f"{where}: a type or a list of types was expected")
    unknown = [k for k in wanted if k not in TYPES]
    if unknown:
        raise BadRequest(f"{where}: unknown type {unknown[0]!r}; the types are {', '.join(TYPES)}")
    return wanted


def _limit(value: Any, where: str) -> int:
    if value is None:
        return 5
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1:
        raise BadRequest(f"{where}: a positive number was expected")
    return min(int(value), MOST_CANDIDATES)


def _wanted(value: Any, where: str) -> dict[str, list[Any]]:
    if value is None:
        return {}
    if not isinstance(value, list):
        raise BadRequest(f"{where}: a list of {{'pid': …, 'v': …}} was expected")
    wanted: dict[str, list[Any]] = {}
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("pid"), str) or "v" not in item:
            raise BadRequest(f"{where}: each property is {{'pid': …, 'v': …}}")
        if item["pid"] not in QUERY_PROPERTIES:
            raise BadRequest(
                f"{where}: unknown property {item['pid']!r}; the properties are {', '.join(QUERY_PROPERTIES)}"
            )
        values = item["v"] if isinstance(item["v"], list) else [item["v"]]
        if item["pid"] == "date":
            for v in values:
                if not isinstance(v, (str, int)) or _YEARS.match(str(v)) is None:
                    raise BadRequest(f"{where}: a date is a year or a range of years (1956-1958), not {v!r}")
        wanted.setdefault(item["pid"], []).extend(values)
    return wanted


def _overlaps(years: Any, first: str | None, last: str | None) -> bool:
    found = _YEARS.match(str(years))
    if found is None or first is None or last is None:
        return False
    start, end = int(found.group(1)), int(found.group(2) or found.group(1))
    return int(first[:4]) <= end and int(last[:4]) >= start


def _values(prop: str, facts: Any, names: Names) -> list[dict[str, Any]]:
    if prop == "documents":
        return [{"int": facts.documents}]
    if prop == "groups":
        return [{"id": g, "name": names.label(g) or g} for g in facts.groups]
    value = getattr(facts, prop)
    return [{"date": f"{value}T00:00:00+00:00"}] if value else []


def parse_json(text: str | None, name: str) -> Any:
    """A JSON parameter, or a 400 that names it."""
    if text is None or not text.strip():
        raise BadRequest(f"{name}: missing")
    try:
        return json.loads(text)
    except ValueError as err:
        raise BadRequest(f"{name}: not JSON ({err})") from None


def wrapped(body: Any, query: Mapping[str, list[str]], status: int = 200) -> Answer:
    """JSON, or JSONP when ``callback=`` names a function; CORS open either way."""
    callback = (query.get("callback") or [""])[0]
    text = json.dumps(body, ensure_ascii=False)
    headers = {"access-control-allow-origin": "*", "cache-control": "no-store"}
    if callback:
        if not _CALLBACK.match(callback):
            return wrapped({"error": "callback: not a function name"}, {}, 400)
        script = f"/**/{callback}({text});".encode()
        return Answer(status, {**headers, "content-type": "application/javascript"}, script)
    return Answer(status, {**headers, "content-type": "application/json"}, text.encode())
