"""Hypothesis strategies for hostile reader input, shared by the property tests.

Vietnamese text (precomposed and decomposed), every quotation mark and bracket, the operators,
combining marks, control characters, lone surrogates, very long and deeply nested input.
"""

from __future__ import annotations

from hypothesis import strategies as st

QUOTE_MARKS = "\"'“”„‟«»‹›‘’‚‛「」『』〝〞＂"
BRACKETS = "()[]{}<>（）【】〔〕"
VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợ"
    "ùủũúụừửữứựỳỷỹýỵĐĂÂÊÔƠƯ"
)
COMBINING = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
CONTROLS = "\x00\x01\x07\x08\t\n\x0b\x0c\r\x1b\x1f\x7f\x85\u200b\u200e\u2028\u202e\ufeff"
SURROGATES = "\ud800\udbff\udc00\udfff"
SYMBOLS = ":-&|*?~^\\/!+=%#.,;…–—"
WORDS = [
    "AND", "OR", "NOT", "&&", "||", "-", "--", "title:", "author:", "isbn:", "year:", "nam:",
    "colour:", "year:2019..2021", "year:..", "isbn:978-604-69-1234-7", "9786046912347",
    "truyện", "kiều", "Nguyễn", "Du", "Điện", "Biên", "Phủ", "Chính Mình”", "Phiên Bản Mini",
    "lịch-sử", "O'Brien", "a*", "b~", "^2", "\\", "", " ",
]  # fmt: skip

ALPHABET = QUOTE_MARKS + BRACKETS + VIETNAMESE + COMBINING + CONTROLS + SURROGATES + SYMBOLS + " "

# Any character at all, surrogates included.
any_char = st.characters(codec=None, categories=None)
any_text = st.text(any_char, max_size=600)
# Text weighted towards what breaks parsers.
pointed_text = st.text(st.sampled_from(ALPHABET) | any_char, max_size=600)
# Sequences of query words, operators and marks, as a reader (or an attacker) would type them.
query_like = st.lists(
    st.sampled_from(WORDS) | st.sampled_from(ALPHABET) | st.text(max_size=8), max_size=80
).map(lambda parts: " ".join(parts) if len(parts) % 2 else "".join(parts))


@st.composite
def nested(draw: st.DrawFn) -> str:
    """Deep or unbalanced nesting of brackets, quotes and negations around a word."""
    depth = draw(st.integers(0, 300))
    opener = draw(st.sampled_from(["(", "NOT ", "-", '"', "“", "«", "title:(", "( "]))
    closer = draw(st.sampled_from([")", "", '"', "”", "»", ") "]))
    word = draw(st.sampled_from(WORDS))
    return opener * depth + word + closer * draw(st.integers(0, 300))


long_text = st.builds(lambda unit, n: (unit * n)[:2000], st.sampled_from(WORDS + list(ALPHABET)),
                      st.integers(1, 2000))  # fmt: skip
hostile_query = any_text | pointed_text | query_like | nested() | long_text
