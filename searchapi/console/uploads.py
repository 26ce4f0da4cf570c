"""Uploads: ``POST /api/v1/libraries/{code}/uploads`` (scripts, Bearer key; the file as the body
or a multipart form) and the console's upload page with drag-and-drop (``/console/{code}/upload``).

Either way the file is streamed to a private temporary folder under the upload size limit,
checked (format known; a workbook that would inflate past the ZIP limits is refused before
anything opens it) and handed to :mod:`searchapi.console.jobs`; the answer is the job (202,
``Location: /api/v1/jobs/{id}``), or for the page a redirect to the job's report page.
Forms signed in with the session cookie must carry the one-time form token.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from aiohttp import BodyPartReader, web

from harvesters.marc_files import detect_format
from mucluc.core.errors import ApiError, MuclucError
from searchapi.console.access import CSRF_FIELD, Principal, check_csrf, csrf_field, require
from searchapi.console.jobs import new_job, submit
from searchapi.console.layout import href, lang_of, page
from searchapi.console.state import Limits, console
from searchapi.state import LIBRARIES

FORMATS = ("auto", "marc", "marcxml", "csv", "xlsx")
CHUNK = 64 * 1024
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)

TEXT = {
    "vi": {"title": "Gửi tệp biểu ghi — {name}", "file": "Tệp biểu ghi",
           "help": "MARC (ISO 2709), MARCXML, CSV hoặc Excel (.xlsx), tối đa {mb} MB và "
                   "{records} biểu ghi mỗi tệp. Kéo thả tệp vào khung dưới đây hoặc chọn tệp.",
           "drop": "Kéo thả tệp vào đây", "format": "Định dạng", "auto": "Tự nhận biết",
           "send": "Gửi tệp", "jobs": "Các lần gửi tệp trước"},
    "en": {"title": "Upload records — {name}", "file": "File of records",
           "help": "MARC (ISO 2709), MARCXML, CSV or Excel (.xlsx), at most {mb} MB and "
                   "{records} records per file. Drop the file on the box below or choose it.",
           "drop": "Drop the file here", "format": "Format", "auto": "Detect",
           "send": "Upload", "jobs": "Earlier uploads"},
}
DROP_SCRIPT = """<script>
(function(){var zone=document.getElementById('drop'),input=document.getElementById('file');
if(!zone||!window.DataTransfer)return;
['dragenter','dragover'].forEach(function(e){zone.addEventListener(e,function(ev){
ev.preventDefault();zone.classList.add('over');});});
['dragleave','drop'].forEach(function(e){zone.addEventListener(e,function(){
zone.classList.remove('over');});});
zone.addEventListener('drop',function(ev){ev.preventDefault();
if(ev.dataTransfer.files.length){input.files=ev.dataTransfer.files;
document.getElementById('chosen').textContent=ev.dataTransfer.files[0].name;}});})();
</script>"""


@dataclass
class Received:
    path: Path
    name: str
    size: int
    fmt: str


def safe_name(name: str) -> str:
    """A file name safe to store and show: its last path part, odd characters replaced."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")[:120]
    return cleaned or "upload"


async def _stream_to(target: Path, chunks: object, limit: int) -> int:
    size = 0
    with target.open("wb") as out:
        async for chunk in chunks:  # type: ignore[attr-defined]
            size += len(chunk)
            if size > limit:
                raise ApiError(413, "upload_too_large", f"The file is larger than "
                               f"{limit // (1024 * 1024)} MB; split it into smaller files.")
            out.write(chunk)
    return size


async def _part_chunks(part: BodyPartReader):  # type: ignore[no-untyped-def]
    while True:
        chunk = await part.read_chunk(CHUNK)
        if not chunk:
            return
        yield chunk


def check_zip(path: Path, limits: Limits) -> None:
    """Refuse a workbook (a ZIP) that would inflate past the limits: a "ZIP bomb"."""
    if not zipfile.is_zipfile(path):
        return
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ApiError(400, "unreadable", "The workbook is damaged and cannot be opened; "
                       "save it again as .xlsx or CSV.") from exc
    inflated = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    if (len(entries) > 10_000 or inflated > limits.unzipped_bytes
            or inflated / packed > limits.zip_ratio):
        raise ApiError(400, "refused_zip_bomb",
                       f"Refused: the workbook would expand to {inflated // (1024 * 1024)} MB "
                       f"from {packed // 1024} KB (a compressed-file bomb). Save the list "
                       "again as a normal .xlsx or CSV.")


def _format(path: Path, wanted: str) -> str:
    if wanted not in FORMATS:
        raise ApiError(400, "unsupported_format",
                       f"Unknown format {wanted!r}: use one of {', '.join(FORMATS)}.")
    if wanted != "auto":
        return wanted
    try:
        return detect_format(path)
    except MuclucError as exc:
        raise ApiError(400, "unsupported_format", "The file's format cannot be recognised: "
                       "send MARC (ISO 2709), MARCXML, CSV or .xlsx.") from exc


async def receive(request: web.Request, limits: Limits, *, needs_form_token: bool) -> Received:
    """Stream the upload to a private folder; check its form token (if asked), size, format
    and ZIP shape. The folder is removed again when anything is refused."""
    try:
        async with asyncio.timeout(limits.transfer_seconds):
            return await _receive(request, limits, needs_form_token=needs_form_token)
    except TimeoutError:
        raise ApiError(408, "upload_too_slow", f"Sending the file took longer than "
                       f"{limits.transfer_seconds:.0f} seconds; try again on a better "
                       "connection, or split the file.") from None


async def _receive(request: web.Request, limits: Limits, *, needs_form_token: bool) -> Received:
    folder = Path(tempfile.mkdtemp(prefix="mucluc-upload-"))
    try:
        fields: dict[str, str] = {}
        name, size, path = "", 0, None
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                if part.filename is not None and path is None and part.name == "file":
                    name = safe_name(part.filename)
                    path = folder / name
                    size = await _stream_to(path, _part_chunks(part), limits.upload_bytes)
                elif part.name in {CSRF_FIELD, "format"}:
                    fields[part.name] = (await part.read(decode=True))[:500].decode(
                        "utf-8", "replace")
        else:
            name = safe_name(request.query.get("filename", "") or _disposition_name(request))
            path = folder / name
            size = await _stream_to(path, request.content.iter_chunked(CHUNK),
                                    limits.upload_bytes)
            fields["format"] = request.query.get("format", "auto")
        if needs_form_token:
            await check_csrf(request, fields)
        if path is None or size == 0:
            raise ApiError(400, "empty_upload", "No file was sent, or the file is empty.")
        fmt = _format(path, fields.get("format", "auto") or "auto")
        if fmt == "xlsx":
            check_zip(path, limits)
        return Received(path, name, size, fmt)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _disposition_name(request: web.Request) -> str:
    found = re.search(r'filename="?([^";]+)"?', request.headers.get("Content-Disposition", ""))
    return found.group(1) if found else ""


def _library(request: web.Request) -> str:
    code = request.match_info["code"]
    if code not in request.app[LIBRARIES]:
        raise ApiError(404, "unknown_library", f"There is no library {code!r}.")
    return code


async def _start(request: web.Request, who: Principal, code: str, got: Received) -> dict:
    job = new_job(who, code, got.name, got.fmt, got.size)
    await submit(request.app, console(request).runner(), who, job, got.path)
    return job


async def upload_api(request: web.Request) -> web.Response:
    """``POST /api/v1/libraries/{code}/uploads`` → 202 and the queued job."""
    who = await require(request, library=request.match_info["code"])
    code = _library(request)
    by_cookie = "Authorization" not in request.headers
    got = await receive(request, console(request).limits, needs_form_token=by_cookie)
    job = await _start(request, who, code, got)
    return web.json_response(
        {"id": job["id"], "state": job["state"], "report": None,
         "links": {"self": f"/api/v1/jobs/{job['id']}",
                   "page": f"/console/{code}/jobs/{job['id']}"}},
        status=202, headers={"Location": f"/api/v1/jobs/{job['id']}",
                             "Cache-Control": "no-store"})


async def upload_form(request: web.Request) -> web.Response:
    """``POST /console/{code}/upload``: the page's form; then the job's page."""
    who = await require(request, library=request.match_info["code"])
    code = _library(request)
    got = await receive(request, console(request).limits, needs_form_token=True)
    job = await _start(request, who, code, got)
    lang = lang_of(request)
    location = href(f"/console/{code}/jobs/{job['id']}", lang).replace("&amp;", "&")
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


async def upload_page(request: web.Request) -> web.Response:
    """``GET /console/{code}/upload``: the upload form, with drag-and-drop when scripts run."""
    await require(request, library=request.match_info["code"])
    code = _library(request)
    lang = lang_of(request)
    t = TEXT[lang]
    limits = console(request).limits
    library = request.app[LIBRARIES][code]
    options = "".join(
        f'<option value="{fmt}">{t["auto"] if fmt == "auto" else fmt.upper()}</option>'
        for fmt in FORMATS)
    body = f"""<p id="help">{escape(t["help"].format(mb=limits.upload_bytes // (1024 * 1024),
                                                     records=limits.records))}</p>
<form method="post" enctype="multipart/form-data"
 action="{href(f"/console/{code}/upload", lang)}">
{csrf_field(request)}
<div id="drop" class="drop"><p>{t["drop"]}</p>
<label for="file">{t["file"]}</label>
<input id="file" name="file" type="file" required aria-describedby="help"
 accept=".mrc,.marc,.iso,.xml,.marcxml,.csv,.tsv,.txt,.xlsx">
<p id="chosen" aria-live="polite"></p></div>
<label for="format">{t["format"]}</label>
<select id="format" name="format">{options}</select>
<button type="submit">{t["send"]}</button>
</form>
<p><a href="{href(f"/console/{code}/jobs", lang)}">{t["jobs"]}</a></p>{DROP_SCRIPT}"""
    return page(request, t["title"].format(name=library.name), body, lang=lang)
