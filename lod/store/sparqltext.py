"""What a SPARQL request asks for, read by a lexer: updates, ``SERVICE`` endpoints, prefixes.

The engine decides what kind of query it is; this only answers the questions the endpoint must
answer before running anything: is it an update (refused with 403), and which remote endpoints
does it name with ``SERVICE`` (refused unless allow-listed). The lexer skips strings, IRIs and
comments, so ``"SERVICE"``, ``<http://x/SERVICE>``, ``ex:SERVICE`` and ``?service`` are not the
keyword, and ``SERVICE ?endpoint`` (a variable) is.

>>> inspect("SELECT * { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }").services
['http://127.0.0.1:9/x']
>>> inspect('PREFIX e: <http://a/> SELECT * { ?s e:SERVICE "SERVICE" } # SERVICE').services
[]
>>> inspect("select * { service silent ?where { ?s ?p ?o } }").services
[None]
>>> inspect("PREFIX x: <http://a/> INSERT DATA { x:a x:b x:c }").is_update
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][\w]+)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:[\w.:%-]*)
  | (?P<word>[A-Za-z_][\w-]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
# Queries without any of these words anywhere need no reading (most queries: it saves the lexer).
_KEYWORDS = ("service", "insert", "delete", "load", "clear", "create", "drop", "copy", "move", "add", "with")
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


@dataclass
class QueryText:
    """What the lexer found: the first keyword, the prefixes, the ``SERVICE`` endpoints."""

    first_word: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    services: list[str | None] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        return self.first_word in UPDATE_WORDS


def tokens(text: str) -> list[Token]:
    """The tokens of a query, whitespace and comments left out."""
    found = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("space", "comment"):
            found.append(Token(kind, m.group()))
    return found


def inspect(text: str) -> QueryText:
    """Read the first keyword, the prefixes and the ``SERVICE`` endpoints of a query or update."""
    result = QueryText()
    lowered = text.lower()
    if not any(word in lowered for word in _KEYWORDS):
        return result
    items = tokens(text)
    base = ""
    for n, token in enumerate(items):
        following = items[n + 1] if n + 1 < len(items) else None
        if token.kind != "word":
            continue
        word = token.text.upper()
        if word == "PREFIX" and following is not None and n + 2 < len(items):
            result.prefixes[following.text.rstrip(":")] = items[n + 2].text.strip("<>")
        elif word == "BASE" and following is not None and following.kind == "iri":
            base = following.text.strip("<>")
        elif result.first_word is None and word not in ("PREFIX", "BASE"):
            result.first_word = word
        if word == "SERVICE":
            result.services.append(_endpoint(items[n + 1 :], result.prefixes, base))
    return result


def _endpoint(rest: list[Token], prefixes: dict[str, str], base: str) -> str | None:
    """The IRI after ``SERVICE [SILENT]``, or None when it is a variable or unreadable."""
    if rest and rest[0].kind == "word" and rest[0].text.upper() == "SILENT":
        rest = rest[1:]
    if not rest:
        return None
    token = rest[0]
    if token.kind == "iri":
        iri = token.text[1:-1]
        return iri if "://" in iri or not base else base + iri
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def allowed(endpoint: str | None, allow: tuple[str, ...]) -> bool:
    """An endpoint is allowed only when it is an IRI starting with an allow-listed prefix."""
    return endpoint is not None and any(endpoint.startswith(prefix) for prefix in allow)
