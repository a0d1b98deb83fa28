"""The set phrases that open a meeting in an ambassador's journal (wilson-format.md §4.2).

>>> bool(OPENING.match("I visited Nam Il at his invitation.")), bool(OPENING.match("Nam Il said that"))
(True, False)
"""

import re

OPENING = re.compile(
    r"^(?:[…\.]+\s*)?(?:(?:In accordance with [^.]*?|[A-Z][\w'’]*(?:\s+[\w'’\[\]]+){0,5}),?\s+)?"
    r"(?:I (?:visited|received|met|had (?:a|another) (?:conversation|meeting|talk)|was (?:at|present at|invited)|"
    r"participated|attended|went|accidentally encountered|paid a visit)|I and \[?my\]? wife were invited|"
    r"A (?:reception|cocktail party|dinner|lunch|breakfast) was (?:held|given)|"
    r"The conversation with .{3,60} was held)\b",
)
