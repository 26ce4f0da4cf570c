"""Fixtures every browser test shares: one Chromium per test module (see widget_site.launch)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.browser import widget_site as site


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Any]:
    playwright_api = pytest.importorskip("playwright.async_api", reason="pip install playwright")
    async with playwright_api.async_playwright() as pw:
        chromium = await site.launch(pw)
        yield chromium
        await chromium.close()
