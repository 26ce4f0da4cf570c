"""OAI-PMH 2.0 vocabulary: verbs and their arguments, errors, datestamps, identifiers, sets.

Pure functions and tables, no engine: :mod:`searchapi.oai.provider` answers the verbs with them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
EARLIEST_WHEN_EMPTY = "1970-01-01T00:00:00Z"


@dataclass(frozen=True)
class Arguments:
    required: frozenset[str]
    optional: frozenset[str]
    exclusive: str = ""  # an argument that must come alone (resumptionToken)


def _args(required: str = "", optional: str = "", exclusive: str = "") -> Arguments:
    return Arguments(frozenset(required.split()), frozenset(optional.split()), exclusive)


VERBS: dict[str, Arguments] = {
    "Identify": _args(),
    "ListMetadataFormats": _args(optional="identifier"),
    "ListSets": _args(exclusive="resumptionToken"),
    "GetRecord": _args(required="identifier metadataPrefix"),
    "ListIdentifiers": _args("metadataPrefix", "from until set", "resumptionToken"),
    "ListRecords": _args("metadataPrefix", "from until set", "resumptionToken"),
}


class OaiError(Exception):
    """A protocol error: ``code`` is the OAI-PMH error code, the message its explanation."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# The syntax the OAI-PMH schema gives these arguments (metadataPrefixType, setSpecType).
_NAME = r"[A-Za-z0-9\-_\.!~\*'\(\)]+"
SYNTAX = {
    "metadataPrefix": re.compile(rf"^{_NAME}$"),
    "set": re.compile(rf"^{_NAME}(:{_NAME})*$"),
}


def check_arguments(args: Mapping[str, list[str]]) -> tuple[str, dict[str, str]]:
    """(verb, its arguments) of a request (argument → every value given), or OaiError
    ``badVerb``/``badArgument`` as the specification words them."""
    verbs = args.get("verb", [])
    if len(verbs) != 1:
        raise OaiError("badVerb", "The verb argument is missing or repeated.")
    verb = verbs[0]
    if verb not in VERBS:
        raise OaiError("badVerb", f"{verb!r} is not an OAI-PMH verb.")
    allowed = VERBS[verb]
    given: dict[str, str] = {}
    for name, values in args.items():
        if name == "verb":
            continue
        if name not in allowed.required | allowed.optional | {allowed.exclusive} - {""}:
            raise OaiError("badArgument", f"{verb} does not take the argument {name!r}.")
        if len(values) != 1:
            raise OaiError("badArgument", f"The argument {name!r} is repeated.")
        given[name] = values[0]
    for name, pattern in SYNTAX.items():
        if name in given and not pattern.match(given[name]):
            raise OaiError("badArgument", f"{given[name]!r} is not a valid {name}.")
    if allowed.exclusive and allowed.exclusive in given:
        if len(given) > 1:
            raise OaiError("badArgument", f"{allowed.exclusive} is an exclusive argument.")
        return verb, given
    missing = sorted(allowed.required - set(given))
    if missing:
        raise OaiError("badArgument", f"{verb} requires the argument {missing[0]!r}.")
    return verb, given


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


def datestamp_bound(value: str, *, upper: bool) -> tuple[str, str]:
    """(granularity, the bound in seconds) of a ``from`` (``upper=False``) or ``until``.

    A day means its first second for ``from`` and its last for ``until``.
    """
    if _DAY.match(value):
        granularity, full = "day", value + ("T23:59:59Z" if upper else "T00:00:00Z")
    elif _SECOND.match(value):
        granularity, full = "second", value
    else:
        raise OaiError("badArgument", f"{value!r} is not a datestamp ({GRANULARITY} or a day).")
    try:
        datetime.strptime(full, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError as exc:
        raise OaiError("badArgument", f"{value!r} is not a valid date.") from exc
    return granularity, full


def range_of(from_: str, until: str) -> dict[str, str]:
    """The ``range`` of ``updated_at`` for these ``from``/``until`` arguments (either empty)."""
    bounds: dict[str, str] = {}
    kinds = set()
    if from_:
        kind, bounds["gte"] = datestamp_bound(from_, upper=False)
        kinds.add(kind)
    if until:
        kind, bounds["lte"] = datestamp_bound(until, upper=True)
        kinds.add(kind)
    if len(kinds) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity.")
    if from_ and until and bounds["gte"] > bounds["lte"]:
        raise OaiError("badArgument", "from is later than until.")
    return bounds


def utc(value: Any) -> str:
    """A stored date (ISO 8601 with an offset, or epoch milliseconds) as an OAI datestamp."""
    if isinstance(value, int | float):
        moment = datetime.fromtimestamp(value / 1000, UTC)
    else:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


_UNION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def identifier(repository: str, union_id: str) -> str:
    return f"oai:{repository}:{union_id}"


def union_id_of(repository: str, value: str) -> str:
    """The union id an OAI identifier names, or OaiError ``idDoesNotExist``."""
    head = f"oai:{repository}:"
    union_id = value[len(head):] if value.startswith(head) else ""
    if not _UNION_ID.match(union_id):
        raise OaiError("idDoesNotExist", f"{value!r} is not an identifier of this repository.")
    return union_id


def set_filter(spec: str) -> dict[str, Any] | None:
    """The query filter of a set: ``library`` and ``kind`` hold every record, ``library:<CODE>``
    and ``kind:<kind>`` those with such a holding (now, or before a deletion). None for a set
    this repository does not have."""
    family, _, value = spec.partition(":")
    field = {"library": "libraries", "kind": "library_kinds"}.get(family)
    if field is None:
        return None
    if not value:
        return {"match_all": {}}
    return {"term": {field: value}}


def set_specs(libraries: list[str], kinds: list[str]) -> list[str]:
    """The setSpecs a record belongs to (its libraries and their kinds, with the parents)."""
    specs = ["library", *(f"library:{code}" for code in libraries)]
    return [*specs, "kind", *(f"kind:{kind}" for kind in kinds)]
