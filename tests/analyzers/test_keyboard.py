"""Telex and VNI keystrokes decode to Vietnamese; real words are left alone."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzers.fold import fold
from analyzers.keyboard import (
    MAX_READINGS,
    decode_telex,
    decode_vni,
    fold_telex,
    readings,
    telex_syllable,
)
from analyzers.syllables import is_syllable, place_tone


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("nguyeenx du", "nguyễn du", id="nguyen-du"),
        pytest.param("Truyeenj Kieeuf", "truyện kiều", id="truyen-kieu-capitalised"),
        pytest.param("truwowngf ddaij hocj", "trường đại học", id="uwow-dd"),
        pytest.param("truowngf", "trường", id="uow-shortcut"),
        pytest.param("hoaf binhf", "hoà bình", id="house-tone-style"),
        pytest.param("ngoaif", "ngoài", id="three-vowels"),
        pytest.param("quys", "quý", id="qu-initial"),
        pytest.param("gif", "gì", id="gi-alone"),
        pytest.param("nghiax", "nghĩa", id="ngh-initial"),
        pytest.param("Tawngj Kemf Bookmark", "tặng kèm Bookmark", id="english-word-kept"),
        pytest.param("OKR - Tuwf Chieens", "OKR - từ chiến", id="acronym-kept"),
    ],
)
def test_decode_telex(query: str, expected: str) -> None:
    assert decode_telex(query) == expected


@pytest.mark.parametrize(
    "query",
    ["Marx", "Paris", "data", "Hmoob", "hmoob", "Data mining", "1984", "", "Nguyễn Du"],
)
def test_telex_leaves_real_words(query: str) -> None:
    assert decode_telex(query) is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("truye6n5 kie6u2", "truyện kiều", id="truyen-kieu"),
        pytest.param("nguye64n du", "nguyễn du", id="marks-then-tone"),
        pytest.param("d9a5i vie65t", "đại việt", id="d9"),
        pytest.param("tru7o72ng", "trường", id="horn-twice"),
        pytest.param("tu7o72ng", "tường", id="uo7-shortcut-absent"),
        pytest.param("hoa2", "hoà", id="house-tone-style"),
        pytest.param("Huu74 Cuu72", "hữu cừu", id="uu7-horn-on-first-u"),
        pytest.param("truong772", "trường", id="marks-after-syllable"),
        pytest.param("Sach1 thi B1 MP3", "sách thi B1 MP3", id="codes-kept"),
    ],
)
def test_decode_vni(query: str, expected: str) -> None:
    assert decode_vni(query) == expected


@pytest.mark.parametrize("query", ["1984", "Mp3", "H2O", "data", "Nguyễn Du 1999"])
def test_vni_leaves_numbers_and_words(query: str) -> None:
    assert decode_vni(query) is None


@pytest.mark.parametrize(
    ("syllable", "tone", "expected"),
    [
        ("hoa", "\u0300", "hoà"),
        ("hoan", "\u0300", "hoàn"),
        ("mua", "\u0300", "mùa"),
        ("khuyu", "\u0309", "khuỷu"),
        ("nguyên", "\u0303", "nguyễn"),
        ("ngươi", "\u0300", "người"),
    ],
)
def test_place_tone(syllable: str, tone: str | None, expected: str) -> None:
    assert place_tone(syllable, tone) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("Nguyễn", True), ("ký", True), ("giếng", True), ("nguyôn", False), ("Hơtel", False)],
)
def test_is_syllable(word: str, expected: bool) -> None:
    assert is_syllable(word) is expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nguyeenx", "nguyen"),
        ("nguyeenx nhaa", "nguyen nha"),  # an unfinished last word
        ("ddieen bieen phur", "dien bien phu"),
        ("truwowngf", "truong"),
        ("Tieengs Vieetj", "tieng viet"),
        ("nguyen nha", None),  # no Telex keys
        ("Marx", None),  # r is no final: x is no tone key here
        ("Nguyễn Du", None),
    ],
)
def test_fold_telex_reads_prefixes(typed: str, expected: str | None) -> None:
    assert fold_telex(typed) == expected


@given(st.text(alphabet="aăâeêioôơuưyđbcdghklmnpqrstvx ", max_size=30))
def test_fold_telex_of_typed_vietnamese_is_its_fold(text: str) -> None:
    # Typing Vietnamese letters with Telex keys and folding gives the letters' fold.
    keys = {"ă": "aw", "â": "aa", "ê": "ee", "ô": "oo", "ơ": "ow", "ư": "uw", "đ": "dd"}
    typed = "".join(keys.get(c, c) for c in text)
    assert (fold_telex(typed) or typed) == fold(text) or not _unambiguous(text)


def _unambiguous(text: str) -> bool:
    """Plain letters that themselves spell Telex keys (aa, dd, ow…) or end in a tone key
    cannot be told apart from keystrokes."""
    plain = fold(text)
    doubled = ("aa", "aw", "ee", "oo", "ow", "uw", "dd", "uow")
    return not any(k in plain for k in doubled) and not any(
        w[-1] in "sfrxj" for w in plain.split() if len(w) > 1
    ) and not any(k in text for k in ("ơw", "ưw", "ăw", "ôw", "ww"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("vieejt nam", "việt nam", id="tone-after-vowel"),
        pytest.param("tieesng", "tiếng", id="tone-before-final-ng"),
        pytest.param("vietej", "việt", id="circumflex-after-final"),
        pytest.param("nguyenex", "nguyễn", id="circumflex-after-final-then-tone"),
        pytest.param("dduongwf", "đường", id="horn-after-final"),
        pytest.param("truongw", "trương", id="horn-after-final-no-tone"),
        pytest.param("tiene", "tiên", id="circumflex-after-final-level-tone"),
        pytest.param("vieet nam", "viêt nam", id="no-tone-key"),
        pytest.param("dda", "đa", id="dd-alone"),
        pytest.param("Nguwowif DDua Diều", "người đua Diều", id="mixed-with-accented"),
        pytest.param("Bafn Co Năm Choox", "bàn Co Năm chỗ", id="accented-word-kept-whole"),
    ],
)
def test_decode_telex_as_input_methods_accept_it(query: str, expected: str) -> None:
    assert decode_telex(query) == expected


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("data", id="stop-final-needs-a-tone"),
        pytest.param("toto", id="toto"),
        pytest.param("books", id="english-plural"),
        pytest.param("Diều", id="accented-word"),
        pytest.param("vieejts", id="two-tone-keys"),
    ],
)
def test_telex_keeps_words_no_input_method_reads(query: str) -> None:
    assert decode_telex(query) is None


@given(st.text(max_size=60))
def test_telex_syllable_any_word_is_a_syllable_or_none(word: str) -> None:
    decoded = telex_syllable(word)
    assert decoded is None or is_syllable(decoded)


@given(st.text(max_size=200))
def test_readings_are_bounded_distinct_and_not_the_query(text: str) -> None:
    found = readings(text)
    assert len(found) <= MAX_READINGS
    assert len({r.lower() for r in found}) == len(found)
    assert text.lower() not in {r.lower() for r in found}


@given(st.text(alphabet="adeiouwnghtcsfrxj ", max_size=40))
def test_readings_of_telex_like_text_are_bounded(text: str) -> None:
    assert len(readings(text)) <= MAX_READINGS
