"""``mucluc z3950 start|stop|status``: Z39.50 for Koha and other library systems, by a gateway.

Mục lục does not implement Z39.50. It runs Index Data's ``simple2zoom`` (Debian's
``libnet-z3950-simple2zoom-perl``), a maintained Z39.50 server that answers each Type-1 search
by asking an SRU server in CQL and returns the records in the requested MARC syntax. This module
writes its configuration under ``$MUCLUC_HOME/z3950/`` (the Bib-1 → CQL map below, the SRU URL)
and runs it as a background process with a pid file, like the managed OpenSearch node.

Clients connect to ``host:port/mucluc`` (any database name is answered the same way) and ask
for USMARC / MARC21 records (OID 1.2.840.10003.5.10), which the gateway makes from the SRU
server's MARCXML in UTF-8.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from mucluc.core import settings
from mucluc.core.errors import ConfigError, MuclucError

DATABASE = "mucluc"
# Bib-1 use attribute → CQL index of /sru ("any" is the server's choice of fields).
BIB1: dict[int, str | None] = {
    4: "dc.title",  # title
    1003: "dc.creator",  # author
    1: "dc.creator",  # personal name
    1004: "dc.creator",  # author, personal name
    21: "dc.subject",  # subject heading
    7: "bath.isbn",  # ISBN
    31: "dc.date",  # date of publication
    1018: "dc.publisher",  # publisher
    12: "rec.identifier",  # local number
    1016: "cql.serverChoice",  # any
    1035: "cql.serverChoice",  # anywhere
}
USMARC_OID = "1.2.840.10003.5.10"
MARCXML_SCHEMA = "info:srw/schema/1/marcxml-v1.1"
STARTUP_SECONDS = 15.0
STOP_SECONDS = 10.0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "z3950", help="start, stop or check the Z39.50 gateway in front of /sru"
    )
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument("--port", type=int, default=0,
                        help="listening port (default: $MUCLUC_Z3950_PORT)")
    parser.add_argument("--host", default="0.0.0.0", help="listening address (default: all)")
    parser.add_argument("--sru-url", default="",
                        help="the SRU server to front (default: $MUCLUC_Z3950_SRU_URL)")
    parser.set_defaults(run=run)


def directory() -> Path:
    return settings.home() / "z3950"


def gateway_config(sru_url: str) -> str:
    """simple2zoom's configuration: one database in front of ``sru_url`` with the Bib-1 map."""
    maps = "\n".join(
        f'      <map use="{use}"><index>{escape(index)}</index></map>' if index
        else f'      <map use="{use}"/>'
        for use, index in BIB1.items()
    )
    search = f"""    <search>
      <querytype>cql</querytype>
{maps}
    </search>"""
    database = f"""  <database name={quoteattr(DATABASE)}>
    <zurl>{escape(sru_url)}</zurl>
    <option name="sru">get</option>
    <option name="sru_version">1.2</option>
    <charset>UTF-8</charset>
{search}
    <schema oid="{USMARC_OID}" sru="{MARCXML_SCHEMA}" format="MARC21" encoding="UTF-8"/>
  </database>"""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<client>\n{database}\n</client>\n'


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():  # a pid reused by another program is not our gateway
        return b"simple2zoom" in cmdline.read_bytes()
    return True


def _pid() -> int | None:
    path = directory() / "gateway.pid"
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) else None


def _listening(host: str, port: int) -> bool:
    target = "127.0.0.1" if host in ("0.0.0.0", "") else host
    try:
        with socket.create_connection((target, port), timeout=0.5):
            return True
    except OSError:
        return False


def start(port: int, host: str, sru_url: str) -> int:
    """Start the gateway (or find it running); its pid. MuclucError when it cannot start."""
    running = _pid()
    if running is not None:
        return running
    program = shutil.which("simple2zoom")
    if program is None:
        raise ConfigError(
            "simple2zoom is not installed",
            hint="apt-get install libnet-z3950-simple2zoom-perl (scripts/system-packages.sh)",
        )
    if _listening(host, port):
        raise MuclucError(f"port {port} is already in use; choose another with --port")
    home = directory()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "simple2zoom.xml"
    config.write_text(gateway_config(sru_url), encoding="utf-8")
    log = home / "gateway.log"
    listener = f"tcp:{host}:{port}"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [program, "-c", str(config), "--", "-l", str(log), listener],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, cwd=home,
        )
    (home / "gateway.pid").write_text(f"{process.pid}\n")
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise MuclucError(f"the Z39.50 gateway exited at once (code {process.returncode}); "
                              f"see {log}")
        if _listening(host, port):
            return process.pid
        time.sleep(0.2)
    stop()
    raise MuclucError(f"the Z39.50 gateway did not listen on port {port} within "
                      f"{STARTUP_SECONDS:g} s; see {log}")


def stop() -> bool:
    """Stop the gateway; whether one was running."""
    pid = _pid()
    pid_file = directory() / "gateway.pid"
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return False
    os.killpg(pid, signal.SIGTERM)  # its own session: the server and any forked children
    deadline = time.monotonic() + STOP_SECONDS
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
        try:
            os.waitpid(pid, os.WNOHANG)  # reap it when this process started it
        except ChildProcessError:
            pass
    if _alive(pid):
        os.killpg(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    return True


def run(args: argparse.Namespace) -> int:
    port = args.port or settings.z3950_port()
    sru_url = args.sru_url or settings.z3950_sru_url()
    if args.action == "start":
        pid = start(port, args.host, sru_url)
        print(f"Z39.50 gateway running on port {port} (pid {pid}), database {DATABASE!r}, "
              f"fronting {sru_url}")
        return 0
    if args.action == "stop":
        print("Z39.50 gateway stopped" if stop() else "no Z39.50 gateway was running")
        return 0
    pid = _pid()
    if pid is None:
        print("no Z39.50 gateway is running (start it with `mucluc z3950 start`)")
        return 1
    print(f"Z39.50 gateway running (pid {pid}); configuration in {directory()}")
    return 0
