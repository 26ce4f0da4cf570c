"""The reader-facing HTTP API (aiohttp): search, records, health."""
