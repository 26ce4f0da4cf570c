"""Untrusted XML: entity attacks refused, illegal characters repaired, limits enforced."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from harvesters.oaipmh import OAIClient
from harvesters.xml_safety import MalformedXML, UnsafeXML, parse_untrusted, sanitise
from mucluc.core.errors import SourceError
from tests.harvesters.peers import FAST

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>&lol4;</responseDate></OAI-PMH>"""

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>&xxe;</responseDate></OAI-PMH>"""

XXE_PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<r/>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd"><r>&undeclared;</r>"""


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        pytest.param(BILLION_LAUGHS, "declares entities", id="billion-laughs"),
        pytest.param(XXE_FILE, "declares entities", id="xxe-file"),
        pytest.param(XXE_PARAMETER, "declares entities", id="xxe-parameter-entity"),
        pytest.param(EXTERNAL_DTD, "external DTD", id="external-dtd"),
    ],
)
def test_entity_attacks_are_refused(payload, message):
    with pytest.raises(UnsafeXML, match=message) as caught:
        parse_untrusted(payload, source="evil", library="DB-X")
    assert caught.value.source == "evil" and caught.value.library == "DB-X"
    assert isinstance(caught.value, SourceError)


async def test_billion_laughs_over_http_is_refused_not_expanded(aiohttp_server):
    from aiohttp import web

    async def evil(request: web.Request) -> web.Response:
        return web.Response(body=BILLION_LAUGHS, content_type="text/xml")

    app = web.Application()
    app.router.add_get("/oai", evil)
    server = await aiohttp_server(app, host="127.0.0.1")
    async with OAIClient(str(server.make_url("/oai")), source="evil", policy=FAST) as client:
        with pytest.raises(UnsafeXML, match="evil: refused, its DOCTYPE declares entities"):
            await client.identify()


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param(b"<r>&undeclared;</r>", id="no-doctype"),
        pytest.param(b"<!DOCTYPE r><r>&undeclared;</r>", id="doctype-without-subset"),
        pytest.param(b"<!DOCTYPE r []><r>&undeclared;</r>", id="empty-internal-subset"),
    ],
)
def test_undeclared_entity_references_are_refused(payload):
    """Never parsed into a tree that silently drops the reference's text: only a document with
    a DOCTYPE is walked for entity references, because without one the parser refuses them."""
    with pytest.raises((MalformedXML, UnsafeXML)):
        parse_untrusted(payload, source="odd")


def test_size_limit():
    with pytest.raises(UnsafeXML, match="over the limit of 100 bytes"):
        parse_untrusted(b"<r>" + b"x" * 200 + b"</r>", source="big", max_bytes=100)


@pytest.mark.parametrize(
    ("raw", "expected", "count"),
    [
        pytest.param(b"<r>ok</r>", "ok", 0, id="clean"),
        pytest.param(b"<r>a\x0bb</r>", "a\ufffdb", 1, id="vertical-tab"),
        pytest.param(b"<r>a\x00b\x1f</r>", "a\ufffdb\ufffd", 2, id="nul-and-unit-separator"),
        pytest.param(b"<r>a&#1;b&#x1F;c&#233;</r>", "a\ufffdb\ufffdc\u00e9", 2,
                     id="character-references"),
        pytest.param(b"<r>Vi\xe1\xbb\x87t \xff</r>", "Vi\u1ec7t \ufffd", 1, id="invalid-utf8"),
        pytest.param("<r>Điện Biên \ufffd</r>".encode(), "Điện Biên \ufffd", 0,
                     id="existing-replacement-char-not-counted"),
    ],
)
def test_illegal_characters_are_replaced_and_counted(raw, expected, count):
    parsed = parse_untrusted(raw)
    assert parsed.root.text == expected
    assert parsed.sanitised == count


def test_strict_mode_keeps_illegal_characters_malformed():
    with pytest.raises(MalformedXML, match="not well-formed"):
        parse_untrusted(b"<r>a\x0bb</r>", repair=False)


def test_other_declared_encodings_are_left_alone():
    data = '<?xml version="1.0" encoding="windows-1258"?><r>Vi\u00eat</r>'.encode("cp1258")
    assert sanitise(data) == (data, 0)
    assert parse_untrusted(data).root.text == "Viêt"


def test_utf16_documents_are_not_rewritten():
    data = '<?xml version="1.0" encoding="UTF-16"?><r>Điện Biên</r>'.encode("utf-16")
    assert sanitise(data) == (data, 0)
    assert parse_untrusted(data).root.text == "Điện Biên"


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 0x10FFFF + 0x1000), st.integers(0, 3), st.booleans())
def test_every_illegal_character_reference_is_replaced_and_only_those(value, zeros, hexadecimal):
    """Whatever its form (decimal or hex, with leading zeros), a reference to a code point XML
    1.0 forbids becomes U+FFFD and is counted; any other reference is left as it was."""
    number = "0" * zeros + (f"{value:x}" if hexadecimal else str(value))
    ref = f"&#{'x' if hexadecimal else ''}{number};".encode()
    legal = value in (0x9, 0xA, 0xD) or 0x20 <= value <= 0xD7FF or 0xE000 <= value <= 0xFFFD \
        or 0x10000 <= value <= 0x10FFFF
    data = b"<a>x" + ref + b"y</a>"
    fixed, count = sanitise(data)
    assert (fixed, count) == ((data, 0) if legal else (b"<a>x&#xFFFD;y</a>", 1))


_PIECES = st.one_of(
    st.text(max_size=8),
    st.sampled_from([b"\x0b", b"\x00", b"\x1f", b"\xff", b"\xc3", b"\xef\xbf\xbe", b"\xef\xbf\xbf",
                     b"&#1;", b"&#x1F;", b"&#233;", b"&#7879;", b"&#xD800;", b"&#65535;",
                     b"&#1114112;", b"&amp;", b"<", b"&", "Điện Biên".encode()]),
).map(lambda piece: piece.encode() if isinstance(piece, str) else piece)


def _sanitised_first(data: bytes) -> tuple[str, bytes, int]:
    """What parse_untrusted gave when every document was sanitised before it was parsed."""
    fixed, count = sanitise(data)
    try:
        root = etree.fromstring(fixed, etree.XMLParser(resolve_entities=False, no_network=True,
                                                       load_dtd=False))
    except etree.XMLSyntaxError as exc:
        return "malformed", str(exc).encode(), 0
    return "ok", etree.tostring(root), count


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=12), st.lists(_PIECES, max_size=4))
def test_parsing_first_and_sanitising_only_what_is_refused_changes_nothing(text, attribute):
    """parse_untrusted asks the parser first and sanitises only a document it refuses: for
    element text and attribute values with any mix of illegal characters, references and
    broken UTF-8 the outcome is the one sanitising every document first gave."""
    data = b'<r a="' + b"".join(attribute) + b'">' + b"".join(text) + b"</r>"
    expected = _sanitised_first(data)
    try:
        parsed = parse_untrusted(data)
    except MalformedXML as exc:
        assert expected[0] == "malformed"
        assert str(exc.__cause__).encode() == expected[1]
    else:
        assert ("ok", etree.tostring(parsed.root), parsed.sanitised) == expected


def test_a_reference_written_inside_cdata_is_text_and_kept():
    """In a CDATA section ``&#1;`` is four characters of text, not a reference: the document
    is well-formed and nothing is replaced (sanitising every document first rewrote it)."""
    parsed = parse_untrusted(b"<r><![CDATA[a&#1;b]]></r>")
    assert (parsed.root.text, parsed.sanitised) == ("a&#1;b", 0)
