"""The ``/oai`` entry of the API's OpenAPI document (kept beside the provider it describes)."""

from __future__ import annotations

from typing import Any

from searchapi.oai.protocol import VERBS

STRING = {"type": "string"}
ARGUMENTS = ("identifier", "metadataPrefix", "from", "until", "set", "resumptionToken")
DESCRIPTIONS = {
    "verb": "The OAI-PMH verb.",
    "identifier": "`oai:<repository id>:<union id>` (GetRecord, ListMetadataFormats).",
    "metadataPrefix": "`marc21` (MARCXML, one 852 per holding) or `oai_dc`.",
    "from": "Lower bound of datestamps, `YYYY-MM-DD` or `YYYY-MM-DDThh:mm:ssZ` (inclusive).",
    "until": "Upper bound of datestamps, same granularity as `from` (inclusive).",
    "set": "`library:<CODE>`, `kind:<provincial|district|school>`, or `library` / `kind`.",
    "resumptionToken": "The token of the previous response (an exclusive argument).",
}
XML_ANSWER = {
    "description": "An OAI-PMH 2.0 response; protocol errors are `<error code=…>` elements "
    "in a 200 response, as the specification requires.",
    "content": {"text/xml": {"schema": STRING}},
}


def operations(common_errors: dict[str, Any], error: Any) -> dict[str, Any]:
    """GET and POST (a form with the same arguments) of ``/oai``; ``error(description)`` is
    the API's JSON error answer (for what the HTTP layer refuses before OAI-PMH is spoken)."""
    parameters = [
        {"name": name, "in": "query", "required": False,
         "schema": {"type": "string", "enum": list(VERBS)} if name == "verb" else STRING,
         "description": DESCRIPTIONS[name]}
        for name in ("verb", *ARGUMENTS)
    ]
    form = {
        "type": "object",
        "properties": {p["name"]: p["schema"] for p in parameters},
    }
    responses = {
        "200": XML_ANSWER,
        "400": error("A URL that is not percent-encoded UTF-8, or a malformed form."),
        "414": error("A query string over 4 KiB."),
        **common_errors,
    }
    posted = {
        **responses,
        "413": error("A form body over the API's request size."),
        "415": error("A body that is not a form (application/x-www-form-urlencoded)."),
    }
    summary = "OAI-PMH 2.0: harvest the union catalogue (six verbs, sets, deletions)."
    return {
        "get": {"operationId": "oaiPmh", "summary": summary, "parameters": parameters,
                "responses": responses},
        "post": {
            "operationId": "oaiPmhPost", "summary": summary,
            "requestBody": {"content": {"application/x-www-form-urlencoded": {"schema": form}}},
            "responses": posted,
        },
    }
