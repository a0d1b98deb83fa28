"""Name matching on the spellings of ../shared/sources/wilson-format.md §8: the right person first,
and no sure match for a look-alike."""

from __future__ import annotations

import pytest

from lod.search.match import Candidate, Entity, Matcher, is_sure

#: People as an authority file records them: one spelling each (two for cover names).
PEOPLE = {
    "pak-seong-cheol": ("Pak Seong-cheol",),
    "choe-yong-geon": ("Choe Yong-geon",),
    "pak-jeong-ae": ("Pak Jeong-ae",),
    "pak-geum-cheol": ("Pak Geum-cheol",),
    "pak-heon-yeong": ("Pak Heon-yeong",),
    "kim-gwang-hyeop": ("Kim Gwang-hyeop",),
    "ri-ju-yeon": ("Ri Ju-yeon",),
    "kim-du-bong": ("Kim Du-bong",),
    "jeong-il-ryong": ("Jeong Il-ryong",),
    "jeong-jun-taek": ("Jeong Jun-taek",),
    "seo-cheon-ju": ("Seo Cheon-ju",),
    "pak-il-u": ("Pak Il-u",),
    "kim-tae-hui": ("Kim Tae-hui",),
    "pak-yeong-chan": ("Pak Yeong-chan",),
    "kim-seung-hwa": ("Kim Seung-hwa",),
    "pak-ui-won": ("Pak Ui-won",),
    "pak-yong-guk": ("Pak Yong-guk",),
    "heo-dam": ("Heo Dam",),
    "choe-cheol-hwan": ("Choe Cheol-hwan",),
    "kim-il-sung": ("Kim Il Sung",),
    "kim-il": ("Kim Il",),
    "a-m-puzanov": ("A. M. Puzanov",),
    "v-i-ivanov": ("V. I. Ivanov",),
    "m-ye-kryukov": ("M. Ye. Kryukov",),
    "solodovnikov": ("Solodovnikov",),
    "v-i-tugarinov": ("V. I. Tugarinov",),
    "georgiy-kostov-bogdanov": ("Georgiy Kostov Bogdanov",),
    "sandor-etre": ("Sándor Etre",),
    "istvan-kadas": ("István Kádas",),
    "janos-peter": ("János Péter",),
    "karoly-csatorday": ("Károly Csatorday",),
    "i-v-stalin": ("I. V. Stalin", "Filippov"),
    "n-a-bulganin": ("N. A. Bulganin", "Chanfu"),
}

#: Spellings seen in the archive's pages, none of them the one recorded, and whose they are.
SPELLINGS = [
    ("Pak Song Chol", "pak-seong-cheol"),
    ("Choe Yong Gon", "choe-yong-geon"),
    ("Pak Jong Ae", "pak-jeong-ae"),
    ("Park Jeong-ae", "pak-jeong-ae"),
    ("Pak Jeong-aei", "pak-jeong-ae"),
    ("Pak Kum Chol", "pak-geum-cheol"),
    ("Pak Kum-chol", "pak-geum-cheol"),
    ("Pak Hon Yong", "pak-heon-yeong"),
    ("PAK HEON-YEONG", "pak-heon-yeong"),
    ("Pak Heon-Yeong", "pak-heon-yeong"),
    ("Kim Kwang Hyop", "kim-gwang-hyeop"),
    ("Ri Ju Yon", "ri-ju-yeon"),
    ("Kim Tu Bong", "kim-du-bong"),
    ("Jong Il Ryong", "jeong-il-ryong"),
    ("Jong Jun Thaek", "jeong-jun-taek"),
    ("So Chon Ju", "seo-cheon-ju"),
    ("Pak Il U", "pak-il-u"),
    ("Kim Thae Hui", "kim-tae-hui"),
    ("Pak Yong Chan", "pak-yeong-chan"),
    ("Pak [Yeong-chan (Yong Chan)]", "pak-yeong-chan"),
    ("Kim Seung Hwa", "kim-seung-hwa"),
    ("Kim Sung-hwa", "kim-seung-hwa"),
    ("Kim Sung Hwa", "kim-seung-hwa"),
    ("Pak Ui-wan", "pak-ui-won"),
    ("Pak Yeong-guk", "pak-yong-guk"),
    ("Ho Dam", "heo-dam"),
    ("Choe Cheol-hwn", "choe-cheol-hwan"),
    ("KIM IL SUNG", "kim-il-sung"),
    ("Kim Il-sung", "kim-il-sung"),
    ("Kim Il", "kim-il"),
    ("A.M. Puzanov", "a-m-puzanov"),
    ("A. I. PUZANOV", "a-m-puzanov"),
    ("Cde. Ivanov V.I.", "v-i-ivanov"),
    ("Kryukov M.E.", "m-ye-kryukov"),
    ("Solodovnik", "solodovnikov"),
    ("I. I. Tugarinov", "v-i-tugarinov"),
    ("Georgy Kostov Bogdanov", "georgiy-kostov-bogdanov"),
    ("Etre Sándor", "sandor-etre"),
    ("Etre Sandor", "sandor-etre"),
    ("Kádas István", "istvan-kadas"),
    ("Péter János", "janos-peter"),
    ("Csatordai Károly", "karoly-csatorday"),
    ("FILIPPOV", "i-v-stalin"),
    ("Chanfu", "n-a-bulganin"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher([Entity(f"p:{slug}", "person", names[0], names) for slug, names in PEOPLE.items()])


@pytest.mark.parametrize(("spelling", "slug"), SPELLINGS)
def test_the_right_person_comes_first(matcher: Matcher, spelling: str, slug: str) -> None:
    found = matcher.candidates(spelling)
    assert found and found[0].entity.iri == f"p:{slug}", [(c.entity.iri, c.score, c.level) for c in found]


def test_the_table_has_forty_spellings() -> None:
    assert len(SPELLINGS) >= 40 and all(slug in PEOPLE for _, slug in SPELLINGS)


@pytest.mark.parametrize(
    ("spelling", "missing", "look_alike"),
    [
        ("Kim Il", "kim-il", "kim-il-sung"),  # a different person, however alike
        ("Kim Il Sung", "kim-il-sung", "kim-il"),
        ("Pak Yeong-chan", "pak-yeong-chan", "pak-yong-guk"),
        ("Kim Seung-hwa", "kim-seung-hwa", "kim-gwang-hyeop"),
        ("Pak Il-u", "pak-il-u", "pak-ui-won"),
    ],
)
def test_a_look_alike_is_never_a_sure_match(spelling: str, missing: str, look_alike: str) -> None:
    """Without the person named, the nearest other person may be a candidate, never a sure one."""
    without = Matcher([Entity(f"p:{s}", "person", n[0], n) for s, n in PEOPLE.items() if s != missing])
    found = without.candidates(spelling)
    assert not is_sure(scores(found))
    assert all(c.level == "fuzzy" for c in found if c.entity.iri == f"p:{look_alike}")


def test_sure_only_when_one_candidate_stands_out(matcher: Matcher) -> None:
    assert is_sure(scores(matcher.candidates("Kim Il")))  # printed exactly; Kim Il Sung is not even near
    assert is_sure(scores(matcher.candidates("Pak Hon Yong")))
    assert not is_sure(scores(matcher.candidates("Pak Ui-wan")))  # only a fuzzy match
    assert not is_sure(scores(matcher.candidates("Kim")))
    twins = Matcher([Entity("p:1", "person", "Kim Chang-man", ()), Entity("p:2", "person", "Kim Chang-man", ())])
    assert not is_sure(scores(twins.candidates("Kim Chang-man")))  # two people of one name


def test_kinds_and_empty_names(matcher: Matcher) -> None:
    assert matcher.candidates("Kim Il", kinds=["place"]) == []
    assert matcher.candidates("") == [] and matcher.candidates(" .-- ") == []


def scores(found: list[Candidate]) -> list[float]:
    return [c.score for c in found]
