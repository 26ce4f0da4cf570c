"""The project's own Vietnamese multi-library dedup set: books catalogued by many libraries.

No labelled Vietnamese duplicate set exists in public (see ../shared/data/SOURCES.md), so this one
is generated, deterministically from a seed. About 150 books (classics written out by hand, and
local-history, ethnic-culture and farming titles of Điện Biên built from templates, which are
each other's near neighbours) are each catalogued by 2–12 libraries, every record with its own
variations as libraries really write them:

- Unicode NFD instead of NFC; old vs new tone placement (hòa/hoà, thủy/thuỷ); ALL-CAPS titles;
- TCVN3 text read as Windows-1252 (`NguyÔn Du`), then repaired with `analyzers.legacy.repair`
  as the harvesters do;
- publisher spellings ("NXB Trẻ", "Nhà xuất bản Trẻ", "Nxb. Trẻ", "Trẻ");
- ISBNs missing, as ISBN-10, hyphenated, qualified, or mistyped (an invalid check digit);
- inverted authors ("Nguyễn, Nhật Ánh", "Austen, Jane"); one-letter typos in titles and names;
- ISBD punctuation ("Truyện Kiều /", "Title : subtitle" in $a), subtitles left out, volume
  written as 245 $n or inside the title, page counts off by a page or two or missing, missing
  year or edition statement.

Hard negatives are catalogued the same way: the other volumes of multi-volume works (sharing the
set's ISBN half of the time), later editions ("Tái bản lần thứ N"), reprints in other years, and
the same title by another author.

`records()` returns (truth id, MARC record) pairs; records with one truth id are one book.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, replace

import pymarc

from analyzers.tables import tcvn3

SEED = 20251126

CLASSICS: tuple[tuple[str, str, str], ...] = (
    ("Truyện Kiều", "", "Nguyễn Du"),
    ("Số đỏ", "", "Vũ Trọng Phụng"),
    ("Dế Mèn phiêu lưu ký", "", "Tô Hoài"),
    ("Tắt đèn", "", "Ngô Tất Tố"),
    ("Chí Phèo", "tập truyện ngắn", "Nam Cao"),
    ("Vợ nhặt", "tập truyện ngắn", "Kim Lân"),
    ("Nỗi buồn chiến tranh", "tiểu thuyết", "Bảo Ninh"),
    ("Mắt biếc", "truyện dài", "Nguyễn Nhật Ánh"),
    ("Cho tôi xin một vé đi tuổi thơ", "truyện", "Nguyễn Nhật Ánh"),
    ("Tôi thấy hoa vàng trên cỏ xanh", "truyện", "Nguyễn Nhật Ánh"),
    ("Đất rừng phương Nam", "", "Đoàn Giỏi"),
    ("Hồn bướm mơ tiên", "", "Khái Hưng"),
    ("Gánh hàng hoa", "", "Nhất Linh"),
    ("Bỉ vỏ", "tiểu thuyết", "Nguyên Hồng"),
    ("Những ngày thơ ấu", "hồi ký", "Nguyên Hồng"),
    ("Vang bóng một thời", "", "Nguyễn Tuân"),
    ("Thương nhớ mười hai", "tùy bút", "Vũ Bằng"),
    ("Nhật ký Đặng Thùy Trâm", "", "Đặng Thùy Trâm"),
    ("Điện Biên Phủ", "điểm hẹn lịch sử", "Võ Nguyên Giáp"),
    ("Đường tới Điện Biên Phủ", "hồi ức", "Võ Nguyên Giáp"),
    ("Việt Nam sử lược", "", "Trần Trọng Kim"),
    ("Đại Việt sử ký toàn thư", "", "Ngô Sĩ Liên"),
    ("Lục Vân Tiên", "", "Nguyễn Đình Chiểu"),
    ("Chinh phụ ngâm", "", "Đặng Trần Côn"),
    ("Thơ Hồ Xuân Hương", "", "Hồ Xuân Hương"),
    ("Nhật ký trong tù", "", "Hồ Chí Minh"),
    ("Đường Kách mệnh", "", "Hồ Chí Minh"),
    ("Tuổi thơ dữ dội", "tiểu thuyết", "Phùng Quán"),
    ("Đất nước đứng lên", "", "Nguyên Ngọc"),
    ("Rừng xà nu", "", "Nguyễn Trung Thành"),
    ("Người mẹ cầm súng", "", "Nguyễn Thi"),
    ("Mùa lá rụng trong vườn", "tiểu thuyết", "Ma Văn Kháng"),
    ("Đám cưới không có giấy giá thú", "", "Ma Văn Kháng"),
    ("Thời xa vắng", "tiểu thuyết", "Lê Lựu"),
    ("Bến không chồng", "tiểu thuyết", "Dương Hướng"),
    ("Cánh đồng bất tận", "tập truyện", "Nguyễn Ngọc Tư"),
    ("Ông già và biển cả", "", "Ernest Hemingway"),
    ("Kiêu hãnh và định kiến", "", "Jane Austen"),
    ("Những người khốn khổ", "", "Victor Hugo"),
    ("Hoàng tử bé", "", "Antoine de Saint-Exupéry"),
    ("Nhà giả kim", "", "Paulo Coelho"),
    ("Đắc nhân tâm", "", "Dale Carnegie"),
    ("Hạt giống tâm hồn", "những câu chuyện cuộc sống", "Nhiều tác giả"),
    ("Văn hóa Việt Nam", "tìm tòi và suy ngẫm", "Trần Quốc Vượng"),
    ("Cơ sở văn hóa Việt Nam", "", "Trần Ngọc Thêm"),
    ("Việt Nam văn hóa sử cương", "", "Đào Duy Anh"),
    ("Khoa học và đời sống", "tuyển chọn", "Phạm Văn Đồng"),
    ("Hoà bình và phát triển", "", "Nguyễn Khắc Viện"),
    ("Thủy hử", "", "Thi Nại Am"),
    ("Tây du ký", "", "Ngô Thừa Ân"),
)
MULTI_VOLUME = ("Tây du ký", "Thủy hử", "Những người khốn khổ", "Đại Việt sử ký toàn thư")
SAME_TITLE_OTHER_AUTHOR = ("Nhật ký trong tù", "Văn hóa Việt Nam", "Hạt giống tâm hồn")

PLACES = (
    "Mường Chà", "Tuần Giáo", "Điện Biên Đông", "Mường Nhé", "Nậm Pồ", "Tủa Chùa", "Mường Ảng",
    "Mường Lay", "Điện Biên Phủ", "Thanh Xương",
)  # fmt: skip
PEOPLES = ("Thái", "Mông", "Khơ Mú", "Dao", "Hà Nhì", "Lào", "Cống", "Si La", "Xinh Mun", "Kháng")
CROPS = ("lúa nước", "cà phê", "chè Shan tuyết", "mắc ca", "ngô lai", "quế", "sa nhân tím")
TEMPLATES_PLACE = (
    "Lịch sử Đảng bộ huyện {}", "Địa chí huyện {}", "Di tích lịch sử văn hóa huyện {}",
    "Truyền thống cách mạng của nhân dân {}", "Cẩm nang du lịch {}", "Danh nhân {}",
)  # fmt: skip
TEMPLATES_PEOPLE = (
    "Văn hóa truyền thống dân tộc {}", "Truyện cổ dân tộc {}", "Lễ hội của người {}",
    "Trang phục truyền thống của người {}", "Dân ca {}",
)  # fmt: skip
TEMPLATES_CROP = ("Kỹ thuật trồng và chăm sóc {}", "Hỏi đáp về cây {}")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Lò", "Quàng", "Lường", "Cầm", "Vừ", "Giàng")
MIDDLES = ("Văn", "Thị", "Đình", "Xuân", "Minh", "Thanh", "Hữu", "A", "Thị Thu")
GIVENS = ("Hòa", "Thủy", "Khoa", "Dũng", "Phương", "Chính", "Sinh", "Lả", "Pó", "Tuyết", "Đức")

PUBLISHERS = {
    "Trẻ": ("NXB Trẻ", "Nhà xuất bản Trẻ", "Nxb. Trẻ", "Trẻ", "Nhà Xuất Bản Trẻ"),
    "Kim Đồng": ("Nxb. Kim Đồng", "Kim Đồng", "NXB Kim Đồng", "Nhà xuất bản Kim Đồng"),
    "Văn học": ("Nxb. Văn học", "Văn học", "NXB Văn Học", "Nhà xuất bản Văn học"),
    "Giáo dục": ("Nxb. Giáo dục Việt Nam", "Giáo dục", "NXB Giáo Dục", "Nhà xuất bản Giáo dục"),
    "Quân đội": ("Nxb. Quân đội nhân dân", "Quân đội nhân dân", "NXB QĐND"),
    "Văn hóa dân tộc": ("Nxb. Văn hóa dân tộc", "Văn hoá dân tộc", "NXB Văn hóa Dân tộc"),
    "Chính trị": ("Nxb. Chính trị quốc gia Sự thật", "Chính trị quốc gia", "NXB CTQG"),
    "Nông nghiệp": ("Nxb. Nông nghiệp", "Nông nghiệp", "NXB Nông Nghiệp"),
}


@dataclass(frozen=True)
class Book:
    """One manifestation: what every library's record of it describes."""

    truth: str
    title: str
    subtitle: str
    author: str
    publisher: str
    year: int
    pages: int
    isbn: str
    volume: int = 0
    edition: str = ""


# Old ("hòa") ↔ new ("hoà") tone placement in open syllables oa, oe, uy.
_OLD_NEW = {
    f"{v1}{t}{v2}": f"{v1}{v2}{t}"
    for v1, v2 in (("o", "a"), ("o", "e"), ("u", "y"))
    for t in ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
}


def flip_tone_style(text: str) -> str:
    """hòa → hoà and hoà → hòa, in syllables where the vowel pair ends the word."""
    nfd = unicodedata.normalize("NFD", text)
    out = []
    i = 0
    while i < len(nfd):
        window = nfd[i : i + 3]
        end = i + 3 >= len(nfd) or not nfd[i + 3].isalpha()
        lowered = window.lower()
        if end and lowered in _OLD_NEW:
            swapped = _OLD_NEW[lowered]
        elif end and lowered in _OLD_NEW.values():
            swapped = next(k for k, v in _OLD_NEW.items() if v == lowered)
        else:
            out.append(nfd[i])
            i += 1
            continue
        out.append(
            "".join(c.upper() if w.isupper() else c for c, w in zip(swapped, window, strict=True))
        )
        i += 3
    return unicodedata.normalize("NFC", "".join(out))


_TCVN3_ENCODE = {char: byte for byte, char in tcvn3.DECODE.items()}


def tcvn3_mojibake(text: str) -> str:
    """Vietnamese text typed in TCVN3 and read as Windows-1252, as old files arrive."""
    data = bytearray()
    for char in unicodedata.normalize("NFC", text):
        if char.isascii():
            data.append(ord(char))
        elif char in _TCVN3_ENCODE:
            data.append(_TCVN3_ENCODE[char])
        else:  # TCVN3 has no capital with this tone: typists used the lowercase letter
            data.append(_TCVN3_ENCODE.get(char.lower(), ord("?")))
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


def _isbn13(rng: random.Random) -> str:
    body = "978604" + "".join(rng.choice("0123456789") for _ in range(6))
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _isbn10(isbn13: str) -> str:
    body = isbn13[3:12]
    check = (11 - sum((10 - i) * int(c) for i, c in enumerate(body)) % 11) % 11
    return body + ("X" if check == 10 else str(check))


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVENS)}"


def books(rng: random.Random) -> list[Book]:
    """The ~150 base books, then their hard negatives."""
    base: list[Book] = []
    titles: list[tuple[str, str, str]] = list(CLASSICS)
    for template in TEMPLATES_PLACE:
        titles += [(template.format(p), "", _person(rng)) for p in rng.sample(PLACES, 8)]
    for template in TEMPLATES_PEOPLE:
        titles += [(template.format(p), "", _person(rng)) for p in rng.sample(PEOPLES, 8)]
    for template in TEMPLATES_CROP:
        titles += [(template.format(c), "", _person(rng)) for c in rng.sample(CROPS, 6)]
    for number, (title, subtitle, author) in enumerate(titles[:150]):
        base.append(
            Book(
                truth=f"b{number:03d}",
                title=title,
                subtitle=subtitle,
                author=author,
                publisher=rng.choice(list(PUBLISHERS)),
                year=rng.randint(1995, 2023),
                pages=rng.randint(60, 640),
                isbn=_isbn13(rng) if rng.random() < 0.8 else "",
                volume=1 if title in MULTI_VOLUME else 0,
                edition=f"Tái bản lần thứ {rng.randint(1, 6)}" if rng.random() < 0.25 else "",
            )
        )
    negatives: list[Book] = []
    for book in base:
        if book.volume:
            for volume in (2, 3):
                negatives.append(
                    replace(
                        book,
                        truth=f"{book.truth}-v{volume}",
                        volume=volume,
                        pages=book.pages + rng.randint(-30, 30),
                        isbn=book.isbn if rng.random() < 0.5 else _isbn13(rng),
                    )
                )
        if book.title in SAME_TITLE_OTHER_AUTHOR:
            negatives.append(
                replace(book, truth=f"{book.truth}-other", author=_person(rng), isbn=_isbn13(rng))
            )
        roll = rng.random()
        if roll < 0.15:  # a later edition
            number = int(book.edition.split()[-1]) + 1 if book.edition else 1
            negatives.append(
                replace(
                    book,
                    truth=f"{book.truth}-ed",
                    edition=f"Tái bản lần thứ {number}",
                    year=min(book.year + rng.randint(1, 4), 2025),
                    pages=book.pages + rng.randint(-10, 40),
                    isbn=book.isbn if rng.random() < 0.2 else _isbn13(rng),
                )
            )
        elif roll < 0.25:  # a reprint in another year, no edition statement, no ISBN
            negatives.append(
                replace(book, truth=f"{book.truth}-yr", year=book.year + rng.randint(1, 6), isbn="")
            )
    return base + negatives


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 8:
        return text
    i = rng.choice(letters[1:])
    kind = rng.random()
    if kind < 0.4:
        return text[:i] + text[i + 1 :]
    if kind < 0.7:
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice("aeinoutc") + text[i + 1 :]


def _vary_text(rng: random.Random, text: str, *, nfd: bool, flip: bool, tcvn3: bool) -> str:
    from analyzers.legacy import repair

    if flip:
        text = flip_tone_style(text)
    if tcvn3:
        text, _encoding = repair(tcvn3_mojibake(text))
    if nfd:
        text = unicodedata.normalize("NFD", text)
    return text


def _invert(name: str) -> str:
    parts = name.split()
    if len(parts) < 2:
        return name
    if parts[0] in SURNAMES or parts[0] in ("Nguyên", "Võ", "Ngô", "Vũ", "Đặng", "Hồ", "Tô"):
        return f"{parts[0]}, {' '.join(parts[1:])}"  # Vietnamese: surname first, comma added
    return f"{parts[-1]}, {' '.join(parts[:-1])}"  # Western: "Austen, Jane"


def catalogue(
    rng: random.Random, book: Book, library: str, number: int, legacy_rate: float = 0.1
) -> pymarc.Record:
    """One library's record of `book`, with that library's habits and slips."""
    nfd = rng.random() < 0.15
    flip = rng.random() < 0.3
    legacy = rng.random() < legacy_rate

    def vary(text: str) -> str:
        return _vary_text(rng, text, nfd=nfd, flip=flip, tcvn3=legacy) if text else text

    title = book.title
    if rng.random() < 0.05:
        title = _typo(rng, title)
    if rng.random() < 0.05:
        title = title.upper()
    subtitle = book.subtitle if rng.random() > 0.15 else ""
    author = _invert(book.author) if rng.random() < 0.3 else book.author
    if rng.random() < 0.03:
        author = _typo(rng, author)
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader("00000nam a2200000 a 4500")
    record.add_field(pymarc.Field(tag="001", data=f"{library}-{number:05d}"))
    has_year = rng.random() > 0.05
    date = str(book.year) if has_year else "    "
    record.add_field(pymarc.Field(tag="008", data=f"200101s{date}    vm            000 0 vie d"))
    if book.isbn and rng.random() < 0.65:
        isbn = book.isbn
        style = rng.random()
        if style < 0.2:
            isbn = _isbn10(isbn)
        elif style < 0.5:
            isbn = f"{isbn[:3]}-{isbn[3:6]}-{isbn[6:8]}-{isbn[8:12]}-{isbn[12]}"
        elif style < 0.6:
            isbn = f"{isbn} (bìa mềm)"
        if rng.random() < 0.03:  # a mistyped digit: the check digit no longer fits
            isbn = (
                isbn[:-2] + str((int(isbn[-2]) + 1) % 10) + isbn[-1] if isbn[-2].isdigit() else isbn
            )
        record.add_field(_field("020", [("a", isbn)]))
    record.add_field(_field("100", [("a", vary(author))], "0"))
    volume_in_title = book.volume and rng.random() < 0.4
    subfields: list[tuple[str, str]] = []
    main = vary(title)
    if volume_in_title:
        main = f"{main}. {rng.choice(('Tập', 'T.', 'Quyển'))} {book.volume}"
    if subtitle and rng.random() < 0.3:  # subtitle typed into $a
        subfields.append(("a", f"{main} : {vary(subtitle)} /"))
    elif subtitle:
        subfields += [("a", f"{main} :"), ("b", f"{vary(subtitle)} /")]
    else:
        subfields.append(("a", f"{main}{rng.choice(('', ' /', '.', ' :'))}"))
    if book.volume and not volume_in_title:
        subfields.append(
            ("n", rng.choice((f"Tập {book.volume}", f"T.{book.volume}", str(book.volume))))
        )
    record.add_field(_field("245", subfields, "1", "0"))
    if book.edition and rng.random() < 0.8:
        record.add_field(_field("250", [("a", book.edition)]))
    publisher = vary(rng.choice(PUBLISHERS[book.publisher]))
    year_text = rng.choice((str(book.year), f"c{book.year}", f"[{book.year}]")) if has_year else ""
    record.add_field(_field("260", [("a", "H. :"), ("b", f"{publisher},"), ("c", year_text)]))
    if rng.random() < 0.85:
        pages = book.pages + (rng.choice((-2, -1, 0, 0, 0, 1, 2)) if rng.random() < 0.3 else 0)
        record.add_field(_field("300", [("a", rng.choice((f"{pages} tr.", f"{pages}tr. :")))]))
    record.add_field(_field("852", [("a", library), ("t", str(rng.randint(1, 4)))]))
    return record


def _field(
    tag: str, subfields: list[tuple[str, str]], ind1: str = " ", ind2: str = " "
) -> pymarc.Field:
    return pymarc.Field(
        tag=tag,
        indicators=pymarc.Indicators(ind1, ind2),
        subfields=[pymarc.Subfield(code, value) for code, value in subfields],
    )


LIBRARIES = ("DBI", "TGI", "MCH", "DBD", "MNH", "NPO", "TCH", "MAG", "MLY", "TPD", "THS", "DTH")


def records(seed: int = SEED, legacy_rate: float = 0.1) -> list[tuple[str, pymarc.Record]]:
    """(truth id, MARC record) for every library record of every book, in a fixed order."""
    rng = random.Random(seed)
    found: list[tuple[str, pymarc.Record]] = []
    for book in books(rng):
        holders = rng.sample(LIBRARIES, rng.choice((2, 2, 3, 3, 4, 5, 6, 8, 10, 12)))
        for library in holders:
            found.append((book.truth, catalogue(rng, book, library, len(found), legacy_rate)))
    return found
