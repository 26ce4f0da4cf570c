"""``mucluc sources [CODE ...]``: each library's configured sources and how their last run went."""

from __future__ import annotations

import argparse
import json
from typing import Any

from harvesters.reports import location, read_last_run
from mucluc.cli.common import config_path, reports_directory
from mucluc.cli.harvest import all_jobs
from mucluc.core.config import load_config

DETAIL_KEYS = ("set", "metadata_prefix", "query", "format")


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("sources", help="list the configured sources and their last run")
    parser.add_argument("codes", nargs="*", metavar="CODE",
                        help="library codes (default: every library)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=main)


def main(args: argparse.Namespace) -> int:
    config = load_config(config_path(args))
    for code in args.codes:
        config.library(code)  # unknown code: ConfigError naming the known ones
    jobs = [j for j in all_jobs(config) if not args.codes or j.library.code in args.codes]
    reports = reports_directory()
    rows: list[dict[str, Any]] = []
    for job in jobs:
        last = read_last_run(reports, job.name)
        rows.append({
            "library": job.library.code,
            "source": job.name,
            "protocol": job.protocol,
            "location": location(job.spec, config.base),
            **{key: job.spec[key] for key in DETAIL_KEYS if key in job.spec},
            "last_run": None if last is None else {
                key: getattr(last, key)
                for key in ("started_at", "finished_at", "status", "error", "fetched", "new",
                            "updated", "unchanged", "deleted", "rejected", "repaired", "report")
            },
        })
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    shown = [code for code in config.libraries if not args.codes or code in args.codes]
    for code in shown:
        library = config.libraries[code]
        print(f"{library.code}  {library.name} ({library.kind})")
        mine = [row for row in rows if row["library"] == code]
        if not mine:
            print("  no sources (records arrive with `mucluc load`)")
        for row in mine:
            details = "".join(f"  {key}={row[key]}" for key in DETAIL_KEYS if key in row)
            print(f"  {row['source']}  {row['protocol']}  {row['location']}{details}")
            last = row["last_run"]
            if last is None:
                print("    last run: never")
                continue
            counts = (f"{last['fetched']} fetched: {last['new']} new, {last['updated']} updated, "
                      f"{last['unchanged']} unchanged, {last['deleted']} deleted, "
                      f"{last['rejected']} rejected")
            print(f"    last run: {last['finished_at']} {last['status']}, {counts}")
            if last["error"]:
                print(f"    error: {last['error']}")
    return 0
