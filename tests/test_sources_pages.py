"""The parser on composed pages of every family (tests/pages) and on held-out pages (tests/holdout).

Each page has a hand-written ``.expected.json``; every field is compared.
"""

from pathlib import Path

import pytest

from lod.sources import parse_file
from tests.pagecheck import differences, expected

HERE = Path(__file__).parent
PAGES = sorted((HERE / "pages").glob("*.txt")) + sorted((HERE / "holdout").glob("*.txt"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_page_fields(page: Path) -> None:
    problems = differences(page)
    assert not problems, "\n".join(problems)


def test_every_family_is_covered() -> None:
    families = {expected(p).get("family") for p in PAGES}
    assert {"N1", "N2", "O-A", "O-B", "PDF"} <= families


@pytest.mark.parametrize("page", [p for p in PAGES if "error" not in expected(p)], ids=lambda p: p.stem)
def test_every_span_points_into_the_text(page: Path) -> None:
    record = parse_file(page)
    spans = []

    def collect(value: object) -> None:
        if hasattr(value, "start") and hasattr(value, "end") and hasattr(value, "text"):
            spans.append(value)
        elif isinstance(value, tuple):
            for item in value:
                collect(item)
        elif hasattr(value, "__dataclass_fields__"):
            for name in value.__dataclass_fields__:
                collect(getattr(value, name))

    collect(record)
    assert len(spans) > 10
    for span in spans:
        assert record.text[span.start : span.end] == span.text
