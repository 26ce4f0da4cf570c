"""Typed application state shared by the handlers."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web
from opensearchpy import AsyncOpenSearch

from mucluc.core.library import Library

ENGINE: web.AppKey[AsyncOpenSearch] = web.AppKey("engine", AsyncOpenSearch)
PREFIX: web.AppKey[str] = web.AppKey("prefix", str)
LIBRARIES: web.AppKey[Mapping[str, Library]] = web.AppKey("libraries", Mapping)
ENGINE_URL: web.AppKey[str] = web.AppKey("engine_url", str)
