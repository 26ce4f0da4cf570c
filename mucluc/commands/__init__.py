"""Subcommands of ``mucluc``; each module registers its own parser (one extension point)."""

from mucluc.commands import demo, harvest, load, opensearch, reindex, serve, sources

COMMANDS = (opensearch.register, load.register, serve.register, reindex.register, demo.register,
            harvest.register, sources.register)
