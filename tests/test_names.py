"""Finding authority names in text, and reporting the ones no authority covers."""

from pathlib import Path

import pytest

from lod.errors import AuthorityError
from lod.ingest.authority import Authority, Name, load_authorities
from lod.ingest.names import NameIndex
from lod.ingest.unresolved import unresolved_names
from lod.uris import Uris
from tests.conftest import BASE, ROOT


def person(slug: str, *names: str, short: tuple[str, ...] = (), kind: str = "person") -> Authority:
    return Authority(
        f"urn:{slug}", kind, slug, names[0], tuple(Name(n) for n in names) + tuple(Name(s, True) for s in short)
    )


INDEX = NameIndex(
    [
        person("kim-il", "Kim Il"),
        person("kim-il-sung", "Kim Il Sung", "KIM IL SUNG"),
        person("kim-seung-hwa", "Kim Seung-hwa", "Kim Sung Hwa"),
        person("pak-yen-bin", "Pak Yen Bin", "Pak Yen Bin [sic]"),
        person("puzanov", "A. M. Puzanov", short=("Puzanov",)),
        person("presidium", "KWP CC Presidium", short=("Presidium",), kind="group"),
        person("spa-presidium", "SPA Presidium", short=("Presidium",), kind="group"),
        person("anti-party-group", "anti-Party group", kind="group"),
        person("kadas", "Kádas István"),
    ]
)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I met Kim Il Sung.", [("Kim Il Sung", "kim-il-sung")]),
        ("I met Kim Il.", [("Kim Il", "kim-il")]),
        ("KIM IL SUNG and Kim Il-sung's aide", [("KIM IL SUNG", "kim-il-sung"), ("Kim Il-sung", "kim-il-sung")]),
        ("Kim Il Sung Kim Il", [("Kim Il Sung", "kim-il-sung"), ("Kim Il", "kim-il")]),
        ("kim il sung", []),
        (
            "Kim Seung Hwa, Kim Seung-hwa and KIM SEUNG-HWA",
            [
                ("Kim Seung Hwa", "kim-seung-hwa"),
                ("Kim Seung-hwa", "kim-seung-hwa"),
                ("KIM SEUNG-HWA", "kim-seung-hwa"),
            ],
        ),
        ("Kim Sung-hwa [Kim Sung Hwa]", [("Kim Sung-hwa", "kim-seung-hwa"), ("Kim Sung Hwa", "kim-seung-hwa")]),
        ("and Pak Yen Bin [sic], desk officer", [("Pak Yen Bin [sic]", "pak-yen-bin")]),
        ("Kadas Istvan and Kádas István", [("Kadas Istvan", "kadas"), ("Kádas István", "kadas")]),
        ("the anti-Party group and the Anti-party group", [("anti-Party group", "anti-party-group")]),
        ("Kim Il-jong", []),
    ],
)
def test_matching(text: str, found: list[tuple[str, str]]) -> None:
    assert [(m.quote, m.authority.slug) for m in INDEX.find(text)] == found
    for m in INDEX.find(text):
        assert text[m.start : m.end] == m.quote


def test_short_names_need_their_full_name_and_no_rival() -> None:
    assert [m.quote for m in INDEX.find("Puzanov met him.")] == []
    assert [(m.quote, m.authority.slug) for m in INDEX.find("A. M. Puzanov wrote. Puzanov left.")] == [
        ("A. M. Puzanov", "puzanov"),
        ("Puzanov", "puzanov"),
    ]
    both = INDEX.find("The KWP CC Presidium and the SPA Presidium met. The Presidium agreed.")
    assert [m.quote for m in both] == ["KWP CC Presidium", "SPA Presidium"]


def test_unresolved_names_are_reported_with_context() -> None:
    text = (
        "I visited Deputy Premier Pak Ui-won and Ambassador Qiao Xiaoguang. The Minister of Foreign and "
        "Domestic Trade was present. On Monday the city Party Committee met."
    )
    found = unresolved_names(text, [(0, len(text))], INDEX.find(text))
    assert [u.text for u in found] == ["Pak Ui-won", "Qiao Xiaoguang", "Party Committee"]
    assert "Ambassador Qiao Xiaoguang. The Minister" in found[1].context


def test_bundled_authorities_load_with_their_names() -> None:
    authorities = {a.slug: a for a in load_authorities(ROOT / "triples", Uris(BASE))}
    kim = authorities["kim-seung-hwa"]
    assert (kim.kind, kim.label) == ("person", "Kim Seung-hwa")
    assert {n.text for n in kim.names} >= {"Kim Seung-hwa", "Kim Seung Hwa", "Kim Sung-hwa"}
    assert {n.text for n in authorities["pak-yen-bin"].names} >= {"Pak Yen Bin [sic]"}
    assert {a.kind for a in authorities.values()} == {"person", "group", "place"}
    assert Path(ROOT / "triples" / "person" / "kim-il-sung.ttl").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('<id/person/x> rdfs:label "X" ;;; nonsense .', r"x\.ttl: not valid Turtle: .*line 2"),
        ('<id/person/y> rdfs:label "Y" .', r"x\.ttl: no rdfs:label for <.*/id/person/x>"),
    ],
)
def test_an_authority_file_that_cannot_be_read_is_named(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "person").mkdir()
    prefix = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    (tmp_path / "person" / "x.ttl").write_text(prefix + text + "\n", encoding="utf-8")
    with pytest.raises(AuthorityError, match=message):
        load_authorities(tmp_path, Uris(BASE))
