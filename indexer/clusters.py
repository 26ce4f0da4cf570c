"""Which records describe the same book: the cluster key of a record.

A union catalogue shows each book once. This first version puts two records in one cluster when
their folded title (with volume/part), their authors (folded, order- and punctuation-free) and
their year agree. Folding removes tones and maps đ to d, so NFC/NFD text, old and new tone
placement and ``Nguyễn, Du`` / ``Nguyễn Du`` all give the same key; different volumes
("Tập 1"/"Tập 2"), years and authors stay apart: a wrong merge hides a book, which is worse than a
missed one. The cluster id is derived from the key, so clustering needs no lookups and is
incremental by construction.
"""

from __future__ import annotations

import hashlib
import re

from analyzers.fold import fold
from indexer.marc_document import RecordFields

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def _words(text: str) -> list[str]:
    return [word for word in _NON_WORD.split(fold(text)) if word]


def title_key(fields: RecordFields) -> str:
    return " ".join(_words(f"{fields.title} {fields.part}"))


def author_key(fields: RecordFields) -> str:
    if not fields.authors:
        return ""
    return " ".join(sorted(_words(fields.authors[0])))


def cluster_key(fields: RecordFields) -> str:
    """The key two records of one book share (see the module docstring)."""
    return f"{title_key(fields)}|{author_key(fields)}|{fields.year or ''}"


def cluster_id(fields: RecordFields) -> str:
    digest = hashlib.sha1(cluster_key(fields).encode("utf-8")).hexdigest()
    return digest[:20]
