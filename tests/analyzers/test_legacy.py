"""legacy.repair: mojibake of TCVN3, VNI, VISCII and Windows-1258 becomes Vietnamese again."""

import pytest

from analyzers.legacy import ENCODINGS, repair
from analyzers.tables import cp1258, tcvn3, viscii


def mojibake(text: str, encoding: str) -> str:
    """Legacy bytes of `text` read as Windows-1252, the way old data reaches us."""
    table = {"TCVN3": tcvn3.DECODE, "VISCII": viscii.DECODE}[encoding]
    to_byte = {char: byte for byte, char in table.items()}
    data = bytes(to_byte.get(c, ord(c)) for c in text)
    return data.decode("latin-1").translate(
        {b: bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xA0)}
    )


@pytest.mark.parametrize(
    ("text", "expected", "encoding"),
    [
        pytest.param("NguyÔn Du", "Nguyễn Du", "TCVN3", id="tcvn3-nguyen-du"),
        pytest.param(
            "§¹i ViÖt sö ký toµn th\xad", "Đại Việt sử ký toàn thư", "TCVN3", id="tcvn3-dai-viet"
        ),
        pytest.param("Nguyeãn Du", "Nguyễn Du", "VNI", id="vni-nguyen-du"),
        pytest.param("Truyeän Kieàu", "Truyện Kiều", "VNI", id="vni-truyen-kieu"),
        pytest.param("Tröôøng ñaïi hoïc", "Trường đại học", "VNI", id="vni-horn-and-d"),
        pytest.param("AÁn Ñoä", "Ấn Độ", "VNI", id="vni-capitals"),
        pytest.param("Ngöôøi H'Moâng", "Người H'Mông", "VNI", id="vni-name-prefix"),
        pytest.param("Viêòt Nam", "Việt Nam", "Windows-1258", id="cp1258-decomposed"),
    ],
)
def test_repair(text: str, expected: str, encoding: str) -> None:
    assert repair(text) == (expected, encoding)


@pytest.mark.parametrize(
    "text",
    ["Lịch sử Việt Nam", "Điện Biên Phủ", "Nguyễn Du", "Tiếng Việt thực hành"],
)
def test_viscii_roundtrip(text: str) -> None:
    assert repair(mojibake(text, "VISCII")) == (text, "VISCII")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Les Misérables", id="french"),
        pytest.param("Cien años de soledad", id="spanish"),
        pytest.param("Hôtel de Ville", id="french-o-circumflex-like-vni-horn"),
        pytest.param("Über die Natur", id="german"),
        pytest.param("Ñandú", id="spanish-n-tilde-like-vni-d"),
        pytest.param("Cà Mau", id="vietnamese-within-latin-1"),
        pytest.param("Truyện Kiều", id="vietnamese-unicode"),
        pytest.param("Data mining", id="ascii"),
        pytest.param("", id="empty"),
    ],
)
def test_no_false_repair(text: str) -> None:
    assert repair(text) == (text, None)


def test_reported_names_are_documented() -> None:
    assert set(ENCODINGS) == {"TCVN3", "VNI", "VISCII", "Windows-1258"}


def test_generated_tables_hold_the_vietnamese_letters() -> None:
    assert tcvn3.DECODE[0xA7] == "Đ"
    assert "ệ" in viscii.DECODE.values()
    assert cp1258.DECODE[0xF2] == "\u0323"
