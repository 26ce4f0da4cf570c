"""Which books are editions of one *work*: later editions, printings and translations.

A union document is one *book* (a cluster of records of the same edition, see
:mod:`indexer.clusters`). Readers also want the *work*: "Truyện Kiều" has dozens of editions
from many publishers and years, and "Nhà giả kim" is a translation of "The alchemist". Every
record gets a **work key** at index time (:func:`record_work_key`, called by
``indexer.store.derived.derived``), and its union document carries the work id of its members'
key (:func:`union_work`), so the engine groups a result list by work in one request
(``collapse`` on the ``work`` field).

The key is ``<title>|<main author>`` plus what no two editions of one work differ in:

- **title**: the main title (245 $a $k without the subtitle, ISBD "Title : subtitle" cut at the
  colon, "Title = Parallel title" cut at the equals sign), folded (no tones, đ → d, NFC/NFD and
  both tone-placement styles equal), without the non-filing characters 245's second indicator
  counts ("Een ", "Det ", "L'") and the common leading articles, volume designations removed,
  bracketed statements ("(Tái bản lần thứ 3)", "[Bản đặc biệt]") removed: edition and printing
  statements are not the work. A subtitle that names one part of a set stays
  (:func:`part_subtitle`: "Hackers IELTS : Listening" and "… : Reading" are two books, and
  "한국 팝 의 고고학 : 1970, …" is one year's volume).
- **translations**: when the record names the original it was translated from, the original's
  title stands in for the title, so the translation joins the original and its other
  translations: MARC 240 $a (uniform title, unless collective: "Works", "Selections", "Tuyển
  tập"), 765 $t (original-language entry), 534 $t (original version), 246 with a label
  naming the original, or a note "Dịch từ nguyên bản tiếng Anh: …" / "Tên sách tiếng Anh: …" /
  "Translation of: …" (500). Otherwise title and author decide: a translation whose record
  never names its original ("Orgueil et préjugé", translated from English) keys by its own
  title; the catalogue-wide table of translated titles (:mod:`indexer.work_aliases`), taught
  by the records that do name it, joins it to the original when its union document is written.
- **a title proper in another script** than the text's ("傲慢与偏见" on an English text): its
  Latin-script parallel title (246 second indicator 1, 245 $b after "=") stands in for it.
- **anonymous works** entered under a uniform title (130, no author: "Arabian nights") are that
  work whoever compiled, translated or published the edition.
- **main author**: the first author's full words, sorted (inverted or not, the same; dates and
  Latin initials dropped; a foreign word without its inner vowels, so "Austen" and "Austin",
  "Tolstoy" and "Tolstoi" agree, while words that could be Vietnamese syllables, typed with
  marks or not, stay whole); a book without an author takes its first other name (editor,
  compiler), else its publisher, so anonymous books of a common title do not become one work.
- **volume or named part** (``v=2``, ``p=…``) and the material type when it is not a book: the
  other volumes of a set are other works' parts, never editions of one another.

What callers may rely on: the key depends only on the record's MARC (so load and reindex agree),
two records whose keys are equal are shown as one work, and :func:`work_id` is a short stable id
safe in a URL.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import pymarc

from analyzers.fold import fold
from analyzers.normalise import normalise
from indexer.marc_document import RecordFields, clean, languages, title_parts
from indexer.profiles import as_fields, main_title, profile, words

__all__ = [
    "anonymous_title", "original_title", "parallel_title", "part_subtitle", "record_work_key",
    "record_work_keys", "union_work", "work_id", "work_key",
]

# Uniform titles that name a kind of collection, not one work (AACR2 25.8-25.10, and the
# Vietnamese "Tuyển tập", "Toàn tập", "Tác phẩm"): grouping by them would join unrelated books.
COLLECTIVE = frozenset(
    {
        "works", "selections", "novels", "poems", "plays", "short stories", "correspondence",
        "essays", "speeches", "letters", "stories", "prose works", "poetry",
        "tuyen tap", "toan tap", "tac pham", "tho", "truyen ngan", "tuyen",
    }
)  # fmt: skip
# A note that names the original of a translation; the title follows the colon. Matched on the
# folded note, cut from the note as written.
_ORIGINAL_NOTE = re.compile(
    r"^\s*(?:dich tu|ten (?:sach|nguyen ban|ban goc)|nguyen ban|nguyen tac|ten goc|"
    r"translation of|translated from|original title|title of original|titre original|"
    r"originaltitel|titulo original|tyt\.? oryg|oryg)[^:]{0,60}:\s*",
)
_QUOTES = "\"'“”„«»‘’ "
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
# A series numbering (490/830 $v) that names a volume ("T. 2", "Tập 2", "Vol. 3"), not a number
# in a publisher's series ("Penguin classics ; 72", "no. 9", "Bd. 1729").
_VOLUME_NUMBERING = re.compile(r"^(?:tap|quyen|cuon|phan|vol|volume|t|q|part)\b\.?\s*\w")
# Material types whose editions are of a text: a recording read aloud, an e-book, a microform or
# a serial-coded printing of a novel are editions of the same work; a film, map or score is not.
TEXT_TYPES = frozenset({"book", "audio", "electronic", "manuscript", "serial"})
# ISBD's parallel-title mark: " = " (a title ending in "=" has its parallel title in $b).
_PARALLEL = re.compile(r"\s=(?:\s|$)")
# "Pride & prejudice" and "Pride and prejudice" are one title: the English conjunction is dropped.
_AND = re.compile(r"\s+(?:&|and)\s+", re.IGNORECASE)
# Folded words that name one part of a set of books when they make up a whole subtitle: the
# skills and levels of language and test-preparation series ("Hackers IELTS : Listening" and
# "Hackers IELTS : Reading" are two books of one series, not two editions of one work).
PART_NAMES = frozenset(
    "listening reading writing speaking grammar vocabulary pronunciation skills "
    "basic intermediate advanced nghe noi doc viet ky nang ngu phap tu vung "
    "so cap trung cap cao cap".split()
)
# Where a subtitle's first statement ends (ISBD " : ", " = ", " / ", " ; ").
_STATEMENT_END = re.compile(r"\s*[:=/;]\s|\s[:=/;]?$")


def _collective(title: str) -> bool:
    words = " ".join(re.findall(r"[^\W_]+", fold(title).lower()))
    return words in COLLECTIVE or words.split(" ")[0] in {"works", "selections"}


def original_title(record: pymarc.Record) -> str:
    """The title of the work this record translates (or is a uniform title of), or ''."""
    uniform = record.get_fields("240")
    for marc_field in uniform[:1] if len(uniform) == 1 else []:  # several: a compilation
        title = clean(" ".join(marc_field.get_subfields("a")))
        if title and not _collective(title):
            return title
    # 765 $t (original-language entry) and 534 $t (original version note: "Pride and
    # prejudice." on a Japanese translation) name the original's title.
    for marc_field in record.get_fields("765", "534"):
        title = clean(" ".join(marc_field.get_subfields("t")))
        if title:
            return title
    # 246 with a display text naming the original ("Tyt. oryg.:", "Tên sách tiếng Anh:").
    for marc_field in record.get_fields("246"):
        label = " ".join(marc_field.get_subfields("i"))
        title = clean(" ".join(marc_field.get_subfields("a")))
        if label and title and _ORIGINAL_NOTE.match(fold(normalise(label)).lower() + ":"):
            return title
    for marc_field in record.get_fields("500"):
        for note in marc_field.get_subfields("a"):
            note = normalise(note)
            # fold() keeps the length of NFC Vietnamese text, so the match's end cuts the note.
            folded = fold(note).lower()
            match = _ORIGINAL_NOTE.match(folded)
            if match and len(folded) == len(note):
                title = clean(note[match.end() :].split(" / ")[0].split('". ')[0])
                title = clean(title.strip(_QUOTES))
                if title:
                    return title
    return ""


def _kind(p: Any) -> str:
    parts = []
    if p.type not in TEXT_TYPES:
        parts.append(f"t={p.type}")
    if p.volumes:
        parts.append("v=" + ",".join(str(v) for v in sorted(p.volumes)))
    if p.named_part:
        parts.append(f"p={p.named_part}")
    return "".join(f"|{part}" for part in parts)


# Chinese and Japanese role words cataloguers leave in a name ("Austen, Jane :著").
_CJK_ROLES = frozenset("著 编 編 译 訳 譯 撰 主编 编著 編著 著者 等".split())


def _name(name_words: Sequence[str]) -> str:
    """A name's folded words, sorted (inverted or not, the same), without dates and without
    initials when it has full words: a single Latin letter is an initial, a single Chinese or
    Korean character is a whole name part (the surname 신 of 신 현준)."""
    named = [w for w in name_words if not w.isdigit() and w not in _CJK_ROLES]
    full = [w for w in named if not (len(w) == 1 and w.isascii())] or named
    return " ".join(sorted(_spelling(w) for w in full))


# A folded word that could be a Vietnamese syllable: onset, vowels, final consonant.
_SYLLABLE = re.compile(r"^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}"
                       r"(?:ch|ng|nh|[cmnpt])?$")


def _spelling(word: str) -> str:
    """A foreign name word without its inner vowels ("austen" and "austin" → "astn",
    "tolstoy" and "tolstoi" → "tlst"): libraries spell and transliterate foreign names
    differently. Words that could be Vietnamese syllables, typed with or without marks, and
    short or non-Latin words are kept whole: there the vowels tell people apart."""
    if len(word) < 4 or not word.isascii() or not word.isalpha() or _SYLLABLE.match(word):
        return word
    skeleton = word[0] + re.sub(r"[aeiouy]", "", word[1:])
    return re.sub(r"(.)\1+", r"\1", skeleton)


def _responsible(fields: RecordFields, p: Any) -> str:
    """Who answers for the work: the first author; without one, the first other name (editor,
    compiler, or a name whose role the record does not state, as in a 700 with a relator code
    of its own); without any, the publisher as ``#publisher``. Anonymous books of a common
    title ("Báo cáo tổng kết", "Ca dao Việt Nam") by different compilers or publishers are
    different works, not editions of one. A first other name is not marked as such: one
    library's 700 is another's 100 for the same book (a compiler as main entry, an author
    entered only under 700)."""
    if p.authors:
        return _name(p.authors[0])
    for contributor in fields.contributors:
        named = _name(words(contributor.get("name", "")))
        if named:
            return named
    publisher = [w for w in words(fields.publisher) if w not in _PUBLISHER_WORDS]
    return "#" + " ".join(publisher) if publisher else ""


# Words of publisher names that vary between libraries' spellings of one publisher.
_PUBLISHER_WORDS = frozenset("nha xuat ban nxb publisher publishers press ltd inc co".split())


def _filing(fields: RecordFields) -> str:
    """The title without the non-filing characters 245's second indicator counts, when they
    end at a word's edge ("The ", "L'", "Een ", "Det "): a wrong indicator ("Pride and
    prejudice" with 4) would cut a word, and is ignored."""
    skipped = fields.title[: len(fields.title) - len(fields.filing_title)]
    if fields.filing_title and skipped and not skipped[-1].isalnum():
        return fields.filing_title
    return fields.title


def _title(fields: RecordFields, original: str) -> str:
    """The title the work is known by, before folding: the original's when the record names
    it, else its own filing title; without bracketed statements and parallel titles ("Truyện
    Kiều = The tale of Kieu": the same title in another language, which other editions leave
    out), and with "&" read as "and"."""
    title = original or _filing(fields)
    title = _BRACKETED.sub(" ", title).strip() or title
    title = _PARALLEL.split(title)[0].strip() or title
    return _AND.sub(" ", title)


def part_subtitle(title: str, subtitle: str = "") -> str:
    """The folded words of a subtitle that names one part of a set, or ''.

    The work key keeps the main title only (other editions leave a subtitle out), except when
    the subtitle tells the parts of a set apart: it starts with a number ("한국 팝 의 고고학 :
    1970, 절정 과 분화", a year's volume) or all its words name a skill or level
    (:data:`PART_NAMES`: "Listening", "Kỹ năng nghe", "Sơ cấp"). The subtitle is what follows
    the title's first colon (a flat title: "Hackers IELTS: Reading"), else ``subtitle`` (245
    $b), up to its first ISBD mark.
    """
    _, colon, rest = title.partition(":")
    text = rest if colon else subtitle
    found = words(_STATEMENT_END.split(text.strip() + " ")[0])
    if found and (found[0].isdigit() or all(word in PART_NAMES for word in found)):
        return " ".join(found)
    return ""


def work_key(fields: RecordFields | Mapping[str, Any], original: str = "") -> str:
    """The work key of a record's fields; ``original`` is the translated work's title, if any.

    '' when the record has no title at all (it then forms a work of its own, see
    :func:`union_work`).
    """
    fields = as_fields(fields)
    title = _title(fields, original)
    part = part_subtitle(title, "" if original else fields.subtitle)
    if part:  # the main title's words, then the part's (no colon: profile() cuts at it)
        title = f"{title.split(':')[0]} {part}"
    own = profile(fields)  # volumes, part, type and author come from the record itself
    named = main_title(title)
    if not named:
        return ""
    return f"{named}|{_responsible(fields, own)}{_kind(own)}"


# Languages written in Latin script (MARC codes): a record whose text is in one of them but
# whose title proper has no Latin letter carries its readers' title as a parallel title.
_LATIN_SCRIPT = frozenset(
    "eng fre ger spa ita por vie dut swe dan nor nob nno fin pol cze slo hun rum tur ind may lat "
    "cat hrv slv est lav lit alb ice wel gle baq glg afr swa tgl".split()
)


def _latin(text: str) -> bool:
    return any("a" <= char <= "z" for char in fold(text).lower())


def parallel_title(record: pymarc.Record) -> str:
    """The Latin-script parallel title of a record whose title proper has no Latin letter while
    its text is (also) in a Latin-script language, or ''.

    "傲慢与偏见 = Pride and prejudice", an English text with a Chinese title page, is known to
    other libraries by the parallel title (246 second indicator 1, or 245 $b after "="); so is
    a Vietnamese text whose title proper is in Hán-Nôm."""
    title_field = record.get("245")
    own = title_parts(record)[0]
    if title_field is None or not own or _latin(own):
        return ""
    if not _LATIN_SCRIPT & set(languages(record)):
        return ""
    candidates = []
    if " ".join(title_field.get_subfields("a")).rstrip().endswith("="):
        candidates += title_field.get_subfields("b")
    for marc_field in record.get_fields("246"):
        if marc_field.indicator2 == "1":
            candidates += marc_field.get_subfields("a")
    return next((clean(c) for c in candidates if _latin(c) and clean(c)), "")


def anonymous_title(record: pymarc.Record) -> str:
    """The uniform title a work without an author is entered under (130 $a $n $p: "Arabian
    nights", "Bible. N.T."), or '' (none, or a collective one: "Selections" in $a or $k)."""
    for marc_field in record.get_fields("130")[:1]:
        title = clean(" ".join(marc_field.get_subfields("a", "n", "p")))
        if title and not marc_field.get_subfields("k") and not _collective(title):
            return title
    return ""


def record_work_key(record: pymarc.Record, fields: RecordFields) -> str:
    """The work key of one MARC record (see the module docstring).

    The volume comes from 245 $n $p, or from a series numbering only when it names a volume.
    A record entered under a uniform title (130, no author) is that work whoever compiled,
    translated or published it: the key then names no one.
    """
    return record_work_keys(record, fields)[0]


def record_work_keys(record: pymarc.Record, fields: RecordFields) -> tuple[str, str]:
    """(work key, own-title key) of one MARC record; the second is '' unless the record names
    the original it translates (or a Latin parallel title stands in for its title) and its own
    title keys differently: then the record teaches that its own-title key is an alias of its
    work key (:mod:`indexer.work_aliases`), for the translations whose records name nothing."""
    part = title_parts(record)[2]
    if not part and fields.part and _VOLUME_NUMBERING.match(fold(fields.part).lower()):
        part = fields.part
    fields = dataclasses.replace(fields, part=part)
    anonymous = "" if fields.authors else anonymous_title(record)
    if anonymous:
        return work_key(dataclasses.replace(fields, contributors=[], publisher=""), anonymous), ""
    original = original_title(record) or parallel_title(record)
    key = work_key(fields, original)
    if not original or not key:
        return key, ""
    own = work_key(fields)
    return key, own if own != key else ""


def work_id(key: str) -> str:
    """A short, stable, URL-safe id of a work key."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def union_work(cluster: str, members: Sequence[Mapping[str, Any]]) -> str:
    """The work id of a book (cluster) from its members' keys: the most common, ties to the
    smallest key, so the result does not depend on the members' order. Members stored before
    work keys existed have them computed from their fields (no original title: a reindex
    recomputes them from the MARC). A book without any key is a work of its own."""
    keys = Counter(
        member["fields"].get("work_key")
        if "work_key" in member["fields"]
        else work_key(member["fields"])
        for member in members
    )
    keys.pop("", None)
    if not keys:
        return work_id(f"cluster:{cluster}")
    best = min(keys, key=lambda key: (-keys[key], key))
    return work_id(best)
