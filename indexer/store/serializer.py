"""orjson for the engine's request and response bodies (bulk bodies are most of ingest's JSON).

opensearch-py lets a client take its own serializer; this one keeps the standard one's contract
(``dumps`` returns text, strings pass through, dates and UUIDs are written as the standard one
writes them) and only changes the speed. Values orjson cannot write fall back to the standard
serializer's ``default``.
"""

from __future__ import annotations

from typing import Any

import orjson
from opensearchpy.exceptions import SerializationError
from opensearchpy.serializer import JSONSerializer


class OrjsonSerializer(JSONSerializer):
    """JSONSerializer with orjson underneath (same text out, same values in)."""

    def loads(self, s: str | bytes) -> Any:
        try:
            return orjson.loads(s)
        except orjson.JSONDecodeError as exc:
            raise SerializationError(s, exc) from exc

    def dumps(self, data: Any) -> Any:
        if isinstance(data, str):
            return data
        try:
            return orjson.dumps(
                data, default=self.default, option=orjson.OPT_NON_STR_KEYS
            ).decode("utf-8")
        except (TypeError, orjson.JSONEncodeError) as exc:
            raise SerializationError(data, exc) from exc
