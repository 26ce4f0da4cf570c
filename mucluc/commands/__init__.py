"""Subcommands of ``mucluc``; each module registers its own parser (one extension point)."""

from mucluc.commands import demo, load, opensearch, reindex, serve

COMMANDS = (opensearch.register, load.register, serve.register, reindex.register, demo.register)
