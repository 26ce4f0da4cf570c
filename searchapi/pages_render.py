"""HTML of the catalogue's own pages, rendered on the server: a book's page and its 404.

Plain functions over the union document, every value passed through :func:`html.escape` (no
template engine: the pages are small and an f-string per block keeps the escaping visible).
Vietnamese first; English when the reader asks with ``?lang=en``. The pages need no JavaScript.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import urlencode

from searchapi import exports

LANGS = ("vi", "en")
TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "site": "Mục lục liên thông",
        "skip": "Bỏ qua đến nội dung chính",
        "search": "Tìm sách trong các thư viện",
        "go": "Tìm",
        "other_lang": "English",
        "responsibility": "Trách nhiệm",
        "authors": "Tác giả",
        "edition": "Lần xuất bản",
        "publication": "Xuất bản",
        "description": "Mô tả vật lý",
        "pages": "{} trang",
        "series": "Tùng thư",
        "notes": "Tóm tắt, ghi chú",
        "isbn": "ISBN",
        "subjects": "Chủ đề",
        "type": "Loại tài liệu",
        "languages": "Ngôn ngữ",
        "details": "Thông tin về tài liệu",
        "holdings": "Các thư viện có tài liệu",
        "library": "Thư viện",
        "call": "Ký hiệu xếp giá",
        "copies": "Số bản",
        "location": "Kho",
        "record": "Mã biểu ghi",
        "editions": "Các lần xuất bản khác",
        "cite": "Trích dẫn",
        "style_vn": "Kiểu Việt Nam (TCVN 7115)",
        "style_apa": "Kiểu APA",
        "exports": "Tải biểu ghi",
        "not_found_title": "Không tìm thấy tài liệu",
        "not_found": "Không có tài liệu nào mang mã {}. Có thể địa chỉ bị gõ sai, hoặc tài "
        "liệu đã được gộp với một biểu ghi khác.",
        "back": "Về trang tra cứu",
        "no_title": "(Không có nhan đề)",
    },
    "en": {
        "site": "Union catalogue",
        "skip": "Skip to main content",
        "search": "Search the libraries' catalogue",
        "go": "Search",
        "other_lang": "Tiếng Việt",
        "responsibility": "Responsibility",
        "authors": "Authors",
        "edition": "Edition",
        "publication": "Published",
        "description": "Description",
        "pages": "{} pages",
        "series": "Series",
        "notes": "Summary and notes",
        "isbn": "ISBN",
        "subjects": "Subjects",
        "type": "Material type",
        "languages": "Languages",
        "details": "About this item",
        "holdings": "Libraries holding it",
        "library": "Library",
        "call": "Call number",
        "copies": "Copies",
        "location": "Location",
        "record": "Record id",
        "editions": "Other editions",
        "cite": "Cite",
        "style_vn": "Vietnamese style (TCVN 7115)",
        "style_apa": "APA style",
        "exports": "Download the record",
        "not_found_title": "Item not found",
        "not_found": "There is no item with the id {}. The address may be mistyped, or the "
        "item has been merged with another record.",
        "back": "Back to the search page",
        "no_title": "(Untitled)",
    },
}
EXPORT_LABELS = {"marcxml": "MARCXML", "iso2709": "MARC 21 (ISO 2709)", "marc-json": "MARC-in-JSON",
                 "ris": "RIS", "bibtex": "BibTeX", "csl-json": "CSL-JSON"}  # fmt: skip
CITATION_EXPORTS = ("bibtex", "ris")
LANGUAGE_NAMES = {
    "vi": {"vie": "Tiếng Việt", "eng": "Tiếng Anh", "fre": "Tiếng Pháp", "rus": "Tiếng Nga",
           "chi": "Tiếng Trung", "tha": "Tiếng Thái", "hmn": "Tiếng H'Mông", "lao": "Tiếng Lào"},
    "en": {"vie": "Vietnamese", "eng": "English", "fre": "French", "rus": "Russian",
           "chi": "Chinese", "tha": "Thai", "hmn": "Hmong", "lao": "Lao"},
}  # fmt: skip

CSS = """
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,
sans-serif;color:#1b1b1b;background:#fff;overflow-wrap:anywhere}
a{color:#0b5cad;text-underline-offset:3px}
:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px}
header{background:#0b3d6e;color:#fff;padding:12px 16px}
header a{color:#fff}
.top{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between}
.site{font-weight:700;font-size:1.1rem}
form{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px;align-items:end}
form label{flex-basis:100%;font-weight:600}
input{font:inherit;flex:1;min-width:0;min-height:44px;padding:6px 10px;border:2px solid #6e6e6e;
border-radius:6px}
button{font:inherit;min-height:44px;padding:6px 16px;border:2px solid #fff;border-radius:6px;
background:#0b5cad;color:#fff;font-weight:600;cursor:pointer}
main{max-width:960px;margin:0 auto;padding:16px}
h1{font-size:1.6rem;line-height:1.3;margin:8px 0}
h2{font-size:1.2rem;margin:24px 0 8px}
h3{font-size:1rem;margin:12px 0 4px}
.resp{margin:0 0 16px;color:#4d4d4d}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:6px 16px;margin:0}
dt{font-weight:600}dd{margin:0}
@media (max-width:600px){dl{grid-template-columns:minmax(0,1fr)}dt{margin-top:8px}}
ul.inline{list-style:none;margin:0;padding:0}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:600;padding:0 0 6px}
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #c4c8cf}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f3f5f8;padding:8px;border-radius:6px;
font-size:.9rem}
.cite p{background:#f3f5f8;padding:8px;border-radius:6px}
footer{padding:16px;text-align:center;color:#4d4d4d;font-size:.9rem}
"""


def search_link(query: str) -> str:
    """The catalogue's search page for ``query`` (works without JavaScript: rendered there)."""
    return "/?" + urlencode({"q": query})


def _quoted(field: str, value: str) -> str:
    return f'{field}:"{value.replace(chr(34), " ")}"'


def _shell(lang: str, title: str, head: str, body: str, switch: str) -> str:
    t = TEXT[lang]
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} — {escape(t["site"])}</title>
{head}<style>{CSS}</style>
</head>
<body>
<a class="skip" href="#main">{t["skip"]}</a>
<header><div class="top"><a class="site" href="/">{t["site"]}</a>
<a href="{escape(switch)}" lang="{"en" if lang == "vi" else "vi"}">{t["other_lang"]}</a></div>
<form role="search" action="/" method="get"><label for="q">{t["search"]}</label>
<input id="q" name="q" type="search" maxlength="500"><button type="submit">{t["go"]}</button>
</form></header>
<main id="main">
{body}
</main>
<footer>Mục lục — phần mềm mã nguồn mở</footer>
</body>
</html>
"""


def _title(display: Mapping[str, Any], lang: str) -> str:
    title = str(display.get("title") or TEXT[lang]["no_title"])
    if display.get("subtitle"):
        title += f" : {display['subtitle']}"
    if display.get("part"):
        title += f". {display['part']}"
    return title


def _publication(display: Mapping[str, Any]) -> str:
    place, publisher, year = display.get("place"), display.get("publisher"), display.get("year")
    text = " : ".join(str(x) for x in (place, publisher) if x)
    if year:
        text = f"{text}, {year}" if text else str(year)
    return text


def _links(field: str, values: Sequence[str]) -> str:
    items = "".join(
        f'<li><a href="{escape(search_link(_quoted(field, v)))}">{escape(v)}</a></li>'
        for v in values
        if v
    )
    return f'<ul class="inline">{items}</ul>'


def _details(display: Mapping[str, Any], lang: str) -> str:
    t = TEXT[lang]
    rows: list[tuple[str, str]] = []
    if display.get("authors"):
        rows.append((t["authors"], _links("author", display["authors"])))
    if display.get("edition"):
        rows.append((t["edition"], escape(str(display["edition"]))))
    if _publication(display):
        rows.append((t["publication"], escape(_publication(display))))
    if display.get("pages"):
        rows.append((t["description"], escape(t["pages"].format(display["pages"]))))
    if display.get("series"):
        rows.append((t["series"], _links("title", display["series"])))
    if display.get("summary"):
        rows.append((t["notes"], escape(str(display["summary"]))))
    if display.get("isbns"):
        rows.append((t["isbn"], escape(", ".join(display["isbns"]))))
    if display.get("subjects"):
        rows.append((t["subjects"], _links("subject", display["subjects"])))
    if display.get("languages"):
        names = [LANGUAGE_NAMES[lang].get(code, code) for code in display["languages"]]
        rows.append((t["languages"], escape(", ".join(names))))
    cells = "".join(f"<dt>{name}</dt><dd>{value}</dd>" for name, value in rows)
    return f'<h2 id="chi-tiet">{t["details"]}</h2>\n<dl>{cells}</dl>'


def _holdings(holdings: Sequence[Mapping[str, Any]], lang: str) -> str:
    t = TEXT[lang]
    head = "".join(f'<th scope="col">{t[k]}</th>' for k in ("library", "call", "copies", "record"))
    rows = "".join(
        "<tr>"
        f'<th scope="row">{escape(str(h.get("library_name") or h.get("library", "")))}'
        f"{'<br>' + escape(str(h['location'])) if h.get('location') else ''}</th>"
        f"<td>{escape(str(h.get('call_number') or ''))}</td>"
        f"<td>{escape(str(h.get('copies') or 1))}</td>"
        f"<td>{escape(str(h.get('record_id') or ''))}</td>"
        "</tr>"
        for h in holdings
    )
    return (
        f'<h2 id="thu-vien">{t["holdings"]}</h2>\n<table><caption class="skip">'
        f"{t['holdings']}</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _editions(editions: Sequence[tuple[str, Mapping[str, Any]]], lang: str) -> str:
    if not editions:
        return ""
    t = TEXT[lang]
    suffix = "?lang=en" if lang == "en" else ""
    items = "".join(
        f'<li><a href="/records/{escape(doc_id)}{suffix}">{escape(_title(d, lang))}</a>'
        f"{' — ' + escape(_publication(d)) if _publication(d) else ''}"
        f"{' — ' + escape(str(d['edition'])) if d.get('edition') else ''}</li>"
        for doc_id, d in editions
    )
    return f'<h2 id="an-ban">{t["editions"]}</h2>\n<ul>{items}</ul>'


def citation_vn(display: Mapping[str, Any]) -> str:
    """TCVN 7115-style reference, as HTML: Authors (year), *Title*, Publisher, Place."""
    authors = ", ".join(display.get("authors", []))
    year = f" ({display['year']})" if display.get("year") else ""
    tail = ", ".join(str(display[k]) for k in ("edition", "publisher", "place") if display.get(k))
    head = f"{escape(authors)}{escape(year)}, " if authors or year else ""
    cited = f"{head}<i>{escape(_title(display, 'vi'))}</i>{', ' + escape(tail) if tail else ''}"
    return cited if cited.endswith(".") else cited + "."


def citation_apa(display: Mapping[str, Any]) -> str:
    """APA-style reference, as HTML: Authors. (year). *Title* (edition). Publisher."""
    authors = "; ".join(display.get("authors", []))
    year = f"({display['year']})" if display.get("year") else "(n.d.)"
    edition = f" ({escape(str(display['edition']))})" if display.get("edition") else ""
    publisher = f" {escape(str(display['publisher']))}." if display.get("publisher") else ""
    lead = f"{escape(authors)}. " if authors else ""
    return f"{lead}{year}. <i>{escape(_title(display, 'vi'))}</i>{edition}.{publisher}"


def _cite(display: Mapping[str, Any], doc_id: str, lang: str) -> str:
    t = TEXT[lang]
    blocks = [
        f'<h3>{t["style_vn"]}</h3><p lang="vi">{citation_vn(display)}</p>',
        f'<h3>{t["style_apa"]}</h3><p lang="vi">{citation_apa(display)}</p>',
    ]
    for name in CITATION_EXPORTS:
        text = exports.DISPLAY_WRITERS[name](display, doc_id).decode("utf-8", "replace")
        blocks.append(f'<h3>{EXPORT_LABELS[name]}</h3><pre lang="vi">{escape(text)}</pre>')
    links = "".join(
        f'<li><a href="/api/v1/records/{escape(doc_id)}?format={name}" '
        f'type="{escape(export.content_type)}">{EXPORT_LABELS.get(name, name)}</a></li>'
        for name, export in exports.EXPORTS.items()
    )
    return (
        f'<h2 id="trich-dan">{t["cite"]}</h2>\n<div class="cite">{"".join(blocks)}</div>\n'
        f'<h2 id="tai-ve">{t["exports"]}</h2>\n<ul>{links}</ul>'
    )


def json_ld(display: Mapping[str, Any], url: str) -> dict[str, Any]:
    """schema.org ``Book`` of the record (what search engines and link previews read)."""
    book: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Book",
        "@id": url,
        "url": url,
        "name": _title(display, "vi"),
    }
    if display.get("authors"):
        book["author"] = [{"@type": "Person", "name": a} for a in display["authors"]]
    if display.get("isbns"):
        book["isbn"] = display["isbns"][0] if len(display["isbns"]) == 1 else display["isbns"]
    if display.get("year"):
        book["datePublished"] = str(display["year"])
    if display.get("publisher"):
        book["publisher"] = {"@type": "Organization", "name": display["publisher"]}
    if display.get("edition"):
        book["bookEdition"] = display["edition"]
    if display.get("pages"):
        book["numberOfPages"] = display["pages"]
    if display.get("languages"):
        book["inLanguage"] = display["languages"]
    if display.get("subjects"):
        book["about"] = display["subjects"]
    if display.get("summary"):
        book["description"] = display["summary"]
    return book


def script_json(data: Any) -> str:
    """JSON safe inside ``<script>``: no ``</script>``, no ``<!--`` can end or bend it."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def record_page(
    source: Mapping[str, Any],
    doc_id: str,
    editions: Sequence[tuple[str, Mapping[str, Any]]],
    origin: str,
    lang: str,
) -> str:
    """The whole HTML page of one book (``origin`` makes the canonical and Open Graph URLs)."""
    t = TEXT[lang]
    display = source.get("display", {})
    base = f"{origin}/records/{doc_id}"
    url = base if lang == "vi" else f"{base}?lang=en"
    title = _title(display, lang)
    summary = _publication(display)
    description = " — ".join(x for x in ("; ".join(display.get("authors", [])), summary) if x)
    head = (
        f'<link rel="canonical" href="{escape(url)}">\n'
        f'<link rel="alternate" hreflang="vi" href="{escape(base)}">\n'
        f'<link rel="alternate" hreflang="en" href="{escape(base)}?lang=en">\n'
        f'<meta name="description" content="{escape(description)}">\n'
        '<meta property="og:type" content="book">\n'
        f'<meta property="og:title" content="{escape(title)}">\n'
        f'<meta property="og:url" content="{escape(url)}">\n'
        f'<meta property="og:description" content="{escape(description)}">\n'
        f'<meta property="og:site_name" content="{escape(t["site"])}">\n'
        f'<meta property="og:locale" content="{"vi_VN" if lang == "vi" else "en_US"}">\n'
        + "".join(
            f'<meta property="book:isbn" content="{escape(i)}">\n' for i in display.get("isbns", [])
        )
        + f'<script type="application/ld+json">{script_json(json_ld(display, base))}</script>\n'
    )
    authors = "; ".join(display.get("authors", []))
    body = (
        f"<article><h1>{escape(title)}</h1>\n"
        + (f'<p class="resp">{escape(authors)}</p>\n' if authors else "")
        + _details(display, lang)
        + _holdings(source.get("holdings", []), lang)
        + _editions(editions, lang)
        + _cite(display, doc_id, lang)
        + "</article>"
    )
    switch = f"/records/{doc_id}" + ("" if lang == "en" else "?lang=en")
    return _shell(lang, title, head, body, switch)


def not_found_page(doc_id: str, lang: str) -> str:
    """The 404 page of an unknown id, in the reader's language (Vietnamese by default)."""
    t = TEXT[lang]
    body = (
        f"<h1>{t['not_found_title']}</h1>\n<p>{escape(t['not_found'].format(doc_id))}</p>\n"
        f'<p><a href="/">{t["back"]}</a></p>'
    )
    switch = f"/records/{doc_id}" + ("" if lang == "en" else "?lang=en")
    return _shell(
        lang, t["not_found_title"], '<meta name="robots" content="noindex">\n', body, switch
    )
