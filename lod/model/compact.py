"""JSON-LD compaction of our records, fast: the JSON-LD 1.1 algorithm for the features our contexts use.

pyld compacts a record in 5–200 ms, nearly all of it spent rebuilding inverse contexts for the
Linked Art context's 55 type-scoped contexts. This compactor processes each context once and keeps
the inverse of every combination it meets; :func:`lod.model.jsonld.record_jsonld` walks a record's
nodes and asks it for each decision. It follows the JSON-LD 1.1 compaction algorithm (term
selection, IRI compaction, value compaction, type-scoped contexts that do not propagate) for what
our contexts and records use: simple and expanded term definitions, ``@type`` coercion (``@id``,
``@vocab``, datatypes), ``@container`` ``@set`` and ``@language``, prefixes and keyword aliases.
Anything else raises :class:`Unsupported` rather than differ from the specification;
``tests/test_compact.py`` checks the output equals pyld's on every record.
"""

from __future__ import annotations

from typing import Any

_GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")
_TERM_KEYS = {"@id", "@type", "@container", "@context", "@language", "@prefix"}
Inverse = dict[str, dict[str, dict[str, dict[str, str]]]]


class Unsupported(Exception):
    """A context or a tree uses a JSON-LD feature this compactor does not implement."""


class Definition:
    """A term definition, expanded."""

    __slots__ = ("container", "has_language", "iri", "language", "prefix", "scoped", "type")

    def __init__(self, iri: str, type_: str | None, container: str, language: Any, has_language: bool,
                 scoped: Any, prefix: bool) -> None:  # fmt: skip
        self.iri = iri
        self.type = type_
        self.container = container
        self.language = language
        self.has_language = has_language
        self.scoped = scoped
        self.prefix = prefix


CURIES = 50_000  # compact IRIs kept per context, at most


class Context:
    """An active context: term definitions, keyword aliases, and (built once) its inverse."""

    def __init__(self, terms: dict[str, Definition | None], previous: Context | None = None) -> None:
        self.terms = terms
        self.previous = previous
        self._inverse: Inverse | None = None
        self._aliases: dict[str, str | None] = {}
        self._prefixes: list[tuple[str, Definition]] | None = None
        self._starts: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        self.typed: dict[tuple[str, ...], Context] = {}
        self.curies: dict[str, str] = {}  # IRI → its compact form, when no term is chosen for it
        self.selected: dict[tuple[Any, ...], str | None] = {}  # (IRI, kind of value) → the term chosen
        self.plans: dict[tuple[Any, ...], Any] = {}  # (property, kind of value) → how a record writer puts it

    def inverse(self) -> Inverse:
        if self._inverse is None:
            inverse: Inverse = {}
            for term in sorted(self.terms, key=lambda t: (len(t), t)):
                definition = self.terms[term]
                if definition is None:
                    continue
                containers = inverse.setdefault(definition.iri, {})
                entry = containers.setdefault(definition.container, {"@language": {}, "@type": {}, "@any": {}})
                entry["@any"].setdefault("@none", term)
                if definition.type is not None:
                    entry["@type"].setdefault(definition.type, term)
                elif definition.has_language:
                    entry["@language"].setdefault(definition.language or "@null", term)
                else:
                    entry["@language"].setdefault("@none", term)  # (no default language in our contexts)
                    entry["@type"].setdefault("@none", term)
            self._inverse = inverse
        return self._inverse

    def prefixes(self) -> list[tuple[str, Definition]]:
        """The terms that make compact IRIs (our contexts name no term with a colon, so only these can)."""
        if self._prefixes is None:
            if any(":" in term for term in self.terms):
                raise Unsupported("a term with a colon in its name")
            self._prefixes = [(t, d) for t, d in self.terms.items() if d is not None and d.prefix and d.iri]
        return self._prefixes

    def starts(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """What an IRI a prefix can compact starts with, and what a compact IRI starts with."""
        if self._starts is None:
            prefixes = self.prefixes()
            self._starts = tuple(d.iri for _, d in prefixes), tuple(t + ":" for t, _ in prefixes)
        return self._starts

    def alias(self, keyword: str) -> str:
        if keyword not in self._aliases:
            entry = self.inverse().get(keyword, {}).get("@none", {}).get("@type", {})
            self._aliases[keyword] = entry.get("@none")
        return self._aliases[keyword] or keyword


class Compactor:
    """The decisions of compaction with a list of contexts (given by name, with their documents)."""

    def __init__(self, names: list[str], documents: list[dict[str, Any]]) -> None:
        self.names = names
        self.base = self._process(Context({}), [d.get("@context", d) for d in documents], propagate=True)

    @property
    def context(self) -> str | list[str]:
        """The ``@context`` of a compacted document."""
        return self.names if len(self.names) > 1 else self.names[0]

    # Context processing

    def _process(self, active: Context, locals_: list[Any], propagate: bool) -> Context:
        previous = None if propagate else (active.previous or active)
        result = Context(dict(active.terms), previous)
        for local in locals_:
            if not isinstance(local, dict):
                raise Unsupported(f"context {local!r}")
            keywords = [k for k in local if k.startswith("@") and k != "@version"]
            if keywords:
                raise Unsupported(f"context keywords {keywords}")
            defined: dict[str, bool] = {}
            for term in local:
                if not term.startswith("@"):
                    self._define(result, local, term, defined)
        return result

    def _define(self, active: Context, local: dict[str, Any], term: str, defined: dict[str, bool]) -> None:
        if defined.get(term):
            return
        defined[term] = True
        value = local[term]
        if value is None:
            active.terms[term] = None
            return
        simple = isinstance(value, str)
        if simple:
            value = {"@id": value}
        if not isinstance(value, dict) or set(value) - _TERM_KEYS:
            raise Unsupported(f"term definition of {term!r}")
        iri = self._expand(active, local, value.get("@id", term), defined)
        coercion = value.get("@type")
        if coercion is not None and coercion not in ("@id", "@vocab"):
            coercion = self._expand(active, local, coercion, defined)
        container = value.get("@container", "@none")
        if isinstance(container, list):
            container = "".join(sorted(container))
        if container not in ("@none", "@set", "@language"):
            raise Unsupported(f"@container {container} on {term!r}")
        prefix = value["@prefix"] if "@prefix" in value else simple and ":" not in term and iri.endswith(_GEN_DELIMS)
        active.terms[term] = Definition(
            iri, coercion, container, value.get("@language"), "@language" in value, value.get("@context"), prefix
        )

    def _expand(self, active: Context, local: dict[str, Any], value: str, defined: dict[str, bool]) -> str:
        """An IRI from a keyword, a term, a compact IRI or an absolute IRI, as context processing reads it."""
        if value.startswith("@"):
            return value
        if value in local and not defined.get(value):
            self._define(active, local, value, defined)
        known = active.terms.get(value)
        if known is not None:
            return known.iri
        prefix, colon, suffix = value.partition(":")
        if colon and not suffix.startswith("//"):
            if prefix in local and not defined.get(prefix):
                self._define(active, local, prefix, defined)
            definition = active.terms.get(prefix)
            if definition is not None and definition.prefix:
                return definition.iri + suffix
        if colon:
            return value
        raise Unsupported(f"relative IRI {value!r} in a context")

    # Term selection and IRI compaction

    def compact_iri(self, active: Context, iri: str, vocab: bool, value: dict[str, Any] | None = None) -> str:
        if iri.startswith("@"):
            return active.alias(iri)
        if vocab and iri in active.inverse():
            term = self._select(active, iri, value)
            if term is not None:
                return term
        found = active.curies.get(iri)
        if found is None:
            if len(active.curies) >= CURIES:
                active.curies.clear()
            found = active.curies[iri] = self._curie(active, iri)
        return found

    def _curie(self, active: Context, iri: str) -> str:
        """The shortest compact IRI for ``iri``, or ``iri`` itself (the same for every value: kept per context)."""
        namespaces, compact = active.starts()
        if not iri.startswith(namespaces):
            if iri.startswith(compact):
                raise Unsupported(f"IRI {iri!r} confused with a prefix")
            return iri
        best: str | None = None
        for term, definition in active.prefixes():
            if definition.iri == iri or not iri.startswith(definition.iri):
                continue
            curie = term + ":" + iri[len(definition.iri) :]
            if curie not in active.terms and (best is None or (len(curie), curie) < (len(best), best)):
                best = curie
        if best is not None:
            return best
        for term, _ in active.prefixes():
            if iri.startswith(term + ":"):
                raise Unsupported(f"IRI {iri!r} confused with prefix {term!r}")
        return iri

    def _select(self, active: Context, iri: str, value: dict[str, Any] | None) -> str | None:
        """The term for ``iri`` with this value: chosen once per context and kind of value, then kept."""
        key: tuple[Any, ...]
        if value is None:
            key = (iri,)
        elif "@value" in value:
            key = (iri, "@value", value.get("@language"), value.get("@type"), len(value) == 1)
        elif "@id" in value:
            term = self.compact_iri(active, value["@id"], vocab=True)
            mapping = active.terms.get(term)
            key = (iri, "@id", mapping is not None and mapping.iri == value["@id"])
        else:
            key = (iri, "@id", False)
        if key not in active.selected:
            active.selected[key] = self._choose(active, iri, value, key)
        return active.selected[key]

    def _choose(self, active: Context, iri: str, value: dict[str, Any] | None, key: tuple[Any, ...]) -> str | None:
        is_value = value is not None and "@value" in value
        containers: list[str] = []
        if value is not None and not is_value:
            containers += ["@id", "@id@set", "@type", "@set@type"]
        kind, wanted = "@language", "@null"
        if is_value:
            assert value is not None
            if "@language" in value:
                containers += ["@language", "@language@set"]
                wanted = value["@language"]
            elif "@type" in value:
                kind, wanted = "@type", value["@type"]
        else:
            kind, wanted = "@type", "@id"
        containers += ["@set", "@none"]
        if value is not None:
            containers += ["@index", "@index@set"]
            if is_value and len(value) == 1:
                containers += ["@language", "@language@set"]
        if wanted == "@id" and value is not None and "@id" in value:
            preferences = ["@vocab", "@id"] if key[2] else ["@id", "@vocab"]
        else:
            preferences = [wanted]
        preferences.append("@none")
        entries = active.inverse()[iri]
        for container in containers:
            if container in entries:
                choices = entries[container][kind]
                for preference in preferences:
                    if preference in choices:
                        return choices[preference]
        return None

    # Compaction

    def typed(self, inherited: Context, types: list[str]) -> Context:
        """The active context of a node with these types (their scoped contexts, not propagated)."""
        key = tuple(sorted(types))
        typed = inherited.typed.get(key)
        if typed is None:
            reverted = inherited.previous or inherited
            typed = reverted
            for type_iri in key:  # scoped contexts are looked up before reverting, applied after
                definition = inherited.terms.get(self.compact_iri(reverted, type_iri, vocab=True))
                if definition is not None and definition.scoped is not None:
                    typed = self._process(typed, [definition.scoped], propagate=False)
            inherited.typed[key] = typed
        return typed

    def place(self, active: Context, out: dict[str, Any], term: str, compacted: Any, language: str = "@none") -> None:
        """Put a compacted value under ``term``: in a language map, an array or alone, as its container says."""
        definition = active.terms.get(term)
        container = definition.container if definition is not None else "@none"
        if container == "@language":
            if isinstance(compacted, dict):
                compacted = compacted.get("@value", compacted)
            self._put(out.setdefault(term, {}), language, compacted, as_array=False)
        else:
            self._put(out, term, compacted, as_array=container == "@set")

    @staticmethod
    def _put(target: dict[str, Any], key: str, value: Any, as_array: bool) -> None:
        if key in target:
            existing = target[key]
            target[key] = (existing if isinstance(existing, list) else [existing]) + [value]
        else:
            target[key] = [value] if as_array else value

    def value(self, active: Context, definition: Definition | None, item: dict[str, Any]) -> Any:
        """A value object or node reference, compacted."""
        coercion = definition.type if definition is not None else None
        if "@value" in item:
            language = definition.language if definition is not None else None
            if "@type" in item and item["@type"] == coercion:
                return item["@value"]
            if "@language" in item and item["@language"] == language:
                return item["@value"]
            if len(item) == 1:
                return item["@value"]
            out: dict[str, Any] = {}
            if "@type" in item:
                out[active.alias("@type")] = self.compact_iri(active, item["@type"], vocab=True)
            elif "@language" in item:
                out[active.alias("@language")] = item["@language"]
            out[active.alias("@value")] = item["@value"]
            return out
        compacted = self.compact_iri(active, item["@id"], vocab=coercion == "@vocab")
        if coercion in ("@id", "@vocab"):
            return compacted
        return {active.alias("@id"): compacted}
