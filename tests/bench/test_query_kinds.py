"""The benchmark's query generators turn a title into what a reader types."""

import random
import unicodedata

import pytest

from bench.query_kinds import (
    KINDS,
    author_and_word,
    nfd,
    other_tone_style,
    other_tone_window,
    partial,
    telex,
    title_words,
    unaccented,
    upper,
    vni,
)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Điện Biên Phủ", "Dien Bien Phu", id="d-stroke-capital"),
        pytest.param("đường", "duong", id="d-stroke-and-horns"),
        pytest.param("Nhà Giả Kim (Tái Bản 2020)", "Nha Gia Kim (Tai Ban 2020)", id="punctuation"),
        pytest.param(nfd("Việt Nam"), "Viet Nam", id="decomposed-input"),
        pytest.param("Cây Cam Ngọt Của Tôi", "Cay Cam Ngot Cua Toi", id="tones"),
        pytest.param("Marx", "Marx", id="ascii-unchanged"),
    ],
)
def test_unaccented(title: str, expected: str) -> None:
    assert unaccented(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Nhà Giả Kim (Tái Bản 2020)", "Nhà Giả Kim Tái", id="four-of-six"),
        pytest.param("Bàn Có Năm Chỗ Ngồi", "Bàn Có Năm Chỗ", id="four-of-five"),
        pytest.param("Muôn Kiếp Nhân Sinh", "Muôn Kiếp Nhân", id="three-of-four"),
        pytest.param("Trà Hoa Nữ", "Trà Hoa", id="two-of-three"),
        pytest.param("Chính Trực", None, id="two-words-none"),
        pytest.param("Hiệu Ứng Lucifer - Tập 1", "Hiệu Ứng Lucifer Tập", id="dash-dropped"),
    ],
)
def test_partial(title: str, expected: str | None) -> None:
    assert partial(title) == expected


def test_title_words_drop_punctuation() -> None:
    assert title_words("Nguyên Lý 80/20 (Tái Bản)") == ["Nguyên", "Lý", "80", "20", "Tái", "Bản"]


@pytest.mark.parametrize(
    ("title", "authors", "frequency", "expected"),
    [
        pytest.param(
            "Nhà Giả Kim",
            "Paulo Coelho",
            {"nha": 90, "gia": 40, "kim": 3},
            "Paulo Coelho Kim",
            id="rarest-word",
        ),
        pytest.param(
            "Cây Cam Ngọt",
            "José Mauro",
            {"cay": 5, "cam": 5, "ngot": 5},
            "José Mauro Cây",
            id="tie-first-word",
        ),
        pytest.param("Hoa Vẫn Nở", "", {}, None, id="no-author"),
        pytest.param("Hoa Vẫn Nở", "   ", {}, None, id="blank-author"),
        pytest.param("Hoa Vẫn Nở", ".", {}, None, id="punctuation-author"),
    ],
)
def test_author_and_word(
    title: str, authors: str, frequency: dict[str, int], expected: str | None
) -> None:
    assert author_and_word(title, authors, frequency) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Nguyễn Du", "Nguyeenx Du", id="circumflex-and-tilde"),
        pytest.param("Truyện Kiều", "Truyeenj Kieeuf", id="dot-below-grave"),
        pytest.param("Đường", "DDuwowngf", id="capital-d-stroke-uwow"),
        pytest.param("đại học", "ddaij hocj", id="d-stroke"),
        pytest.param("Ăn quả", "AWn quar", id="capital-breve-hook"),
        pytest.param("Sắc", "Sawcs", id="breve-acute"),
        pytest.param("ĐẠI VIỆT", "DDAIj VIEETj", id="capitals"),
        pytest.param("Hòa bình 2020", "Hoaf binhf 2020", id="numbers-kept"),
        pytest.param("Data mining", "Data mining", id="ascii-unchanged"),
        pytest.param(nfd("Việt"), "Vieetj", id="decomposed-input"),
    ],
)
def test_telex(title: str, expected: str) -> None:
    assert telex(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Truyện Kiều", "Truyen65 Kieu62", id="marks-then-tone"),
        pytest.param("Đường", "Duong9772", id="stroke-horns-tone"),
        pytest.param("Đại Việt", "Dai95 Viet65", id="d9"),
        pytest.param("Ăn quả", "An8 qua3", id="breve-hook"),
        pytest.param("Hòa bình (Tái Bản 2020)", "Hoa2 binh2 (Tai1 Ban3 2020)", id="numbers-kept"),
        pytest.param("Ngã", "Nga4", id="tilde"),
        pytest.param("Marx", "Marx", id="ascii-unchanged"),
    ],
)
def test_vni(title: str, expected: str) -> None:
    assert vni(title) == expected


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Hòa Bình", "Hoà Bình", id="hoa-old-to-new"),
        pytest.param("Hoà Bình", "Hòa Bình", id="hoa-new-to-old"),
        pytest.param("Sức khỏe", "Sức khoẻ", id="khoe-old-to-new"),
        pytest.param("Sức khoẻ", "Sức khỏe", id="khoe-new-to-old"),
        pytest.param("Nguyễn Thị Thủy", "Nguyễn Thị Thuỷ", id="thuy-old-to-new"),
        pytest.param("Thuỷ", "Thủy", id="thuy-new-to-old"),
        pytest.param("THANH HÓA", "THANH HOÁ", id="capitals"),
        pytest.param("Tạp Hóa và Lũy Thừa", "Tạp Hoá và Luỹ Thừa", id="two-syllables"),
        pytest.param("Hoàn cảnh", None, id="closed-syllable-one-style"),
        pytest.param("Quý", None, id="qu-initial-one-style"),
        pytest.param("Ngoài trời", None, id="three-vowels-one-style"),
        pytest.param("Khuya", None, id="uya-one-style"),
        pytest.param("Hoa", None, id="untoned"),
        pytest.param("Chuyện", None, id="uye-marked"),
    ],
)
def test_other_tone_style(title: str, expected: str | None) -> None:
    assert other_tone_style(title) == expected


def test_upper_and_nfd() -> None:
    assert upper("Điện Biên Phủ") == "ĐIỆN BIÊN PHỦ"
    decomposed = nfd("Việt")
    assert decomposed != "Việt"
    assert unicodedata.normalize("NFC", decomposed) == "Việt"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_is_pure_and_deterministic(kind: str) -> None:
    make = KINDS[kind]
    args = ("Điều Kỳ Diệu Của Tiệm Tạp Hóa Namiya", "Higashino Keigo", {"tiem": 1})
    assert make(*args, random.Random(1)) == make(*args, random.Random(1))


@pytest.mark.parametrize(
    "text",
    ["truyện kiều", "trường đại học", "nguyễn du", "hoà bình", "ăn quả nhớ kẻ trồng cây"],
)
def test_keystrokes_are_what_an_input_method_reads(text: str) -> None:
    """The generated keys are well-formed: the project's decoders read them back."""
    from analyzers.keyboard import decode_telex, decode_vni

    assert decode_telex(telex(text)) == text
    assert decode_vni(vni(text)) == text


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Hòa Bình Lập Lại", "Hoà Bình Lập", id="first-word"),
        pytest.param("Đất nước hòa bình", "nước hoà bình", id="last-word"),
        pytest.param("Sức khỏe", "Sức khoẻ", id="two-words"),
        pytest.param("Thuỷ", None, id="one-word"),
        pytest.param("Hoàn cảnh sống", None, id="no-swappable-syllable"),
    ],
)
def test_other_tone_window(title: str, expected: str | None) -> None:
    assert other_tone_window(title) == expected


@pytest.mark.parametrize("seed", range(20))
def test_telex_typed_reads_back_to_the_title(seed: int) -> None:
    """Every way of typing a word that the generator uses is one the decoder reads back."""
    from analyzers.fold import fold
    from analyzers.keyboard import decode_telex
    from bench.query_kinds import telex_typed

    title = "Đường Xưa Mây Trắng Tiếng Việt Nguyễn Trường"
    typed = telex_typed(title, random.Random(seed))
    assert typed is not None
    assert fold(decode_telex(typed) or typed) == fold(title)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Một Hai Ba Bốn Năm Sáu", {"Hai Ba Bốn", "Ba Bốn Năm", "Hai Ba Bốn Năm"}),
        pytest.param("Một Hai Ba Bốn Năm", None, id="too-short"),
    ],
)
def test_middle_words_are_inside_the_title(title: str, expected: set[str] | None) -> None:
    from bench.query_kinds import middle_words

    found = {middle_words(title, random.Random(seed)) for seed in range(30)}
    assert found == ({None} if expected is None else expected)


@pytest.mark.parametrize(
    ("held_text", "expected"),
    [
        pytest.param("Một Hai Ba Bốn", {"Hai Ba Bốn"}, id="subtitle-dropped"),
        pytest.param("Ba Bốn Năm Sáu", {"Ba Bốn Năm"}, id="only-a-later-run"),
        pytest.param("Một Hai", {None}, id="no-run-held"),
        pytest.param(
            "Một Hai Ba Bốn Năm Sáu", {"Hai Ba Bốn", "Ba Bốn Năm", "Hai Ba Bốn Năm"}, id="all-held"
        ),
    ],
)
def test_middle_words_come_from_held_text(held_text: str, expected: set[str | None]) -> None:
    """A run no library's record holds is redrawn from the held runs, or not asked at all."""
    from bench.query_kinds import middle_words

    def held(run: str) -> bool:
        return f" {run} " in f" {held_text} "

    title = "Một Hai Ba Bốn Năm Sáu"
    found = {middle_words(title, random.Random(seed), held) for seed in range(30)}
    assert found == expected


def test_author_word_and_title_word_is_unaccented_and_short() -> None:
    from bench.query_kinds import author_word_and_title_word

    found = {
        author_word_and_title_word(
            "Mắt Biếc", "Nguyễn Nhật Ánh", {"mat": 9, "biec": 1}, random.Random(s)
        )
        for s in range(30)
    }
    assert found == {"nguyen biec", "biec nguyen", "anh biec", "biec anh"}


def test_lower_nfd() -> None:
    from bench.query_kinds import lower_nfd

    assert lower_nfd("Điện Biên") == unicodedata.normalize("NFD", "điện biên")
