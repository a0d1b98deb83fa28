"""HTTP caching: strong ETags, Last-Modified, and the conditional requests that answer 304.

>>> etag_of(b"abc")
'"ba7816bf8f01cfea414140de5dae2223"'
>>> is_not_modified({"if-none-match": 'W/"x", "ba7816bf8f01cfea414140de5dae2223"'}, etag_of(b"abc"), 0)
True
"""

from __future__ import annotations

import email.utils
import hashlib
from collections.abc import Mapping

CACHE_CONTROL = "public, max-age=300, must-revalidate"


def etag_of(body: bytes, suffix: str = "") -> str:
    """A strong entity tag for exactly these bytes."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}{suffix}"'


def http_date(timestamp: float) -> str:
    """An IMF-fixdate (``Sat, 28 Nov 2026 02:24:53 GMT``)."""
    return email.utils.formatdate(timestamp, usegmt=True)


def is_not_modified(headers: Mapping[str, str], etag: str, modified: float) -> bool:
    """True when the client's copy is current (``If-None-Match`` wins over ``If-Modified-Since``)."""
    if (tags := headers.get("if-none-match")) is not None:
        wanted = {t.strip().removeprefix("W/") for t in tags.split(",")}
        return "*" in wanted or etag in wanted
    if (since := headers.get("if-modified-since")) is not None:
        try:
            parsed = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        return parsed is not None and int(modified) <= parsed.timestamp()
    return False
