"""Capitalised names that no authority matched: reported, never dropped and never invented.

A run of capitalised words is a candidate name. Leading titles and nationalities are stripped
(``Ambassador Qiao Xiaoguang`` → ``Qiao Xiaoguang``); role phrases (``Minister of
Machinebuilding``), calendar words and ordinary words that merely open a sentence are not names.

>>> text = "I visited Ambassador Qiao Xiaoguang on Monday. The Minister of Machinebuilding came."
>>> [u.text for u in unresolved_names(text, [(0, len(text))], [])]
['Qiao Xiaoguang']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lod.ingest.names import Mention, Token, tokenize
from lod.sources.dates import MONTHS, WEEKDAYS


def _words(text: str) -> frozenset[str]:
    """A set of words written as one block of text."""
    return frozenset(text.split())


ROLE_WORDS = _words(
    """
    deputy premier minister ministers ministry chairman chairmen chair vice ambassador ambassadors
    comrade comrades cde cdes comr com counsellor counselor counsellors secretary secretaries
    attaché attache chief head director president officer desk consul chargé charge affaires premier
    first second third general colonel marshal lieutenant major captain admiral commander mr mrs dr
    prof member members leader adviser advisor representative interpreter emissary military trade
    internal foreign affairs domestic department division branch section office committee bureau
    cabinet
    """
)
NATIONALITIES = _words(
    """
    soviet russian korean chinese hungarian romanian polish german czechoslovak czech bulgarian
    mongolian albanian cuban vietnamese yugoslav american japanese british french ukrainian
    indonesian indian
    """
)
CALENDAR = frozenset(MONTHS) | frozenset(WEEKDAYS)
OPENERS = _words(
    """
    a an the at in on of when then he she it they we i our your this these that those some all
    besides therefore knowing if after before during as but and or for from to with by nobody
    everything his her their its my me us there here having since although however also yes no not
    now today yesterday tomorrow many much what why how who which where concerning regarding
    according until only even both each every other another such among between following finally
    further moreover thus accordingly while because considering despite given upon within without
    one two three four five six seven eight nine ten first second third fourth fifth last next
    nevertheless meanwhile later earlier so let please thank thanks dear yours respectfully
    signature printed copy copies note translator
    """
)
MARKS = frozenset({"nº", "no", "n", "copy", "listy", "delo", "fond", "opis"})
_CONNECTORS = frozenset({"of", "and", "for", "the"})
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”(\[\n]\s*|\n)$")


@dataclass(frozen=True)
class UnresolvedName:
    """A capitalised name found in text that no authority record covers."""

    start: int
    end: int
    text: str
    context: str


def unresolved_names(text: str, spans: Sequence[tuple[int, int]], mentions: Sequence[Mention]) -> list[UnresolvedName]:
    """Candidate names in ``spans`` of ``text`` that are not inside any mention."""
    covered = [(m.start, m.end) for m in mentions]
    found = []
    for start, end in spans:
        tokens = [t for t in tokenize(text, start, end) if not any(a <= t.start < b for a, b in covered)]
        runs = _runs(text, tokens)
        previous_was_role = False
        for index, run in enumerate(runs):
            words = _without_openers(run)
            is_role = bool(words) and _is_role(words)
            if not (previous_was_role and _linked(text, runs, index)):
                name = _name_in(text, words)
                if name is not None:
                    found.append(name)
            elif not is_role:
                is_role = True  # ``Minister of Foreign and Domestic Trade``: the role goes on
            previous_was_role = is_role
    return found


def _without_openers(run: list[Token]) -> list[Token]:
    """Drop an opening article or adverb: ``The Minister`` → ``Minister``."""
    tokens = list(run)
    while len(tokens) > 1 and tokens[0].text.lower() in OPENERS:
        tokens.pop(0)
    return tokens


def _runs(text: str, tokens: list[Token]) -> list[list[Token]]:
    runs: list[list[Token]] = []
    for token in tokens:
        is_capital = token.text[:1].isupper()
        if runs and runs[-1] and _glued(text, runs[-1][-1], token) and (is_capital or text[runs[-1][-1].end] == "-"):
            runs[-1].append(token)
        elif is_capital:
            runs.append([token])
    return runs


def _glued(text: str, left: Token, right: Token) -> bool:
    return text[left.end : right.start] in (" ", "-")


def _linked(text: str, runs: list[list[Token]], index: int) -> bool:
    """The run follows the previous one through ``of``, ``and``, ``for``, ``the`` only."""
    gap = text[runs[index - 1][-1].end : runs[index][0].start].split()
    return bool(gap) and all(word in _CONNECTORS for word in gap)


def _is_role(run: list[Token]) -> bool:
    return all(t.text.lower() in ROLE_WORDS or t.text.lower() in NATIONALITIES for t in run)


def _name_in(text: str, run: list[Token]) -> UnresolvedName | None:
    tokens = list(run)
    while tokens and (tokens[0].text.lower() in ROLE_WORDS or tokens[0].text.lower() in NATIONALITIES):
        tokens.pop(0)
    tokens = [t for t in tokens if t.text.lower() not in CALENDAR]
    if not tokens or tokens[0].text == "I":
        return None
    if len(tokens) == 1:
        word = tokens[0].text
        opens_sentence = _SENTENCE_END.search(text[max(0, tokens[0].start - 3) : tokens[0].start]) is not None
        # One capitalised word opening a sentence is an ordinary word far more often than a
        # name; a name used that way is still reported wherever it stands mid-sentence.
        if opens_sentence or word.lower() in OPENERS or word.lower() in MARKS:
            return None
    start, end = tokens[0].start, tokens[-1].end
    context = text[max(0, start - 50) : min(len(text), end + 50)].replace("\n", " ")
    return UnresolvedName(start, end, text[start:end], context)
