"""``mucluc access grant|revoke|list``: the province administrator's keys to the console.

``grant CODE --role librarian`` (or ``grant --role admin``) prints a new key once, with a
sign-in link whose ``#key=`` part stays in the browser (never sent to the server or its logs).
Only a salted hash of the key is stored; ``list`` shows key ids, roles and libraries, never a
key. Every grant and revocation is written to the audit log.
"""

from __future__ import annotations

import argparse

from indexer.accounts import ROLES, Accounts
from indexer.store import Store
from mucluc.cli.common import config_path, run
from mucluc.core.config import load_config
from mucluc.core.errors import ConfigError
from searchapi.console.access import COMMAND_LINE, audit

DEFAULT_URL = "http://127.0.0.1:8080"


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("access", help="grant, revoke and list console access keys")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    grant = actions.add_parser("grant", help="print a new key for a library (or an admin)")
    grant.add_argument("code", nargs="?", help="library code from mucluc.toml (librarians)")
    grant.add_argument("--role", choices=ROLES, default="librarian")
    grant.add_argument("--note", default="", help="who the key is for (shown by `list`)")
    grant.add_argument("--url", default=DEFAULT_URL,
                       help=f"the console's address for the sign-in link (default {DEFAULT_URL})")
    grant.set_defaults(run=main)
    revoke = actions.add_parser("revoke", help="stop a key at once")
    revoke.add_argument("key_id", help="the key's id, as `mucluc access list` shows it")
    revoke.set_defaults(run=main)
    listing = actions.add_parser("list", help="list key ids, roles and libraries (no keys)")
    listing.set_defaults(run=main)


def main(args: argparse.Namespace) -> int:
    config = load_config(config_path(args))
    if args.action == "grant":
        if args.role == "librarian":
            if not args.code:
                raise ConfigError("give the library's code: mucluc access grant CODE")
            config.library(args.code)  # an unknown code is a ConfigError naming the codes
        elif args.code:
            raise ConfigError("an administrator's key belongs to no library: leave out CODE")
    return run(_main(args))


async def _main(args: argparse.Namespace) -> int:
    async with Store.open() as store:
        accounts = Accounts(store)
        if args.action == "grant":
            library = args.code if args.role == "librarian" else None
            key_id, key = await accounts.grant(args.role, library, note=args.note)
            await audit(store, COMMAND_LINE, "grant", key_id,
                        {"library": library, "role": args.role, "key_id": key_id})
            who = f"library {library}" if library else "the province administrator"
            print(f"Key {key_id} for {who} ({args.role}). It is shown only this once:")
            print(f"  {key}")
            print(f"Sign-in link: {args.url.rstrip('/')}/console/sign-in#key={key}")
            return 0
        if args.action == "revoke":
            found = await accounts.revoke(args.key_id)
            if found is None:
                print(f"mucluc: there is no key {args.key_id}")
                return 1
            await audit(store, COMMAND_LINE, "revoke", args.key_id,
                        {"library": found.library, "role": found.role, "key_id": args.key_id})
            print(f"Key {args.key_id} revoked at {found.revoked_at}.")
            return 0
        keys = await accounts.keys()
        if not keys:
            print("No keys granted yet.")
        for key in keys:
            state = f"revoked {key.revoked_at}" if key.revoked_at else "active"
            note = f"  {key.note}" if key.note else ""
            print(f"{key.key_id}  {key.role:<9}  {key.library or '-':<10}  "
                  f"created {key.created_at}  {state}{note}")
        return 0
