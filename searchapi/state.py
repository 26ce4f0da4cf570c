"""Typed application state shared by the handlers."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from indexer.store import Store
from mucluc.core.library import Library

STORE: web.AppKey[Store] = web.AppKey("store", Store)
LIBRARIES: web.AppKey[Mapping[str, Library]] = web.AppKey("libraries", Mapping)
