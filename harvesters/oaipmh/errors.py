"""OAI-PMH error codes (OAI-PMH 2.0 §3.6) as exception classes named after the code.

An ``<error code="badResumptionToken">`` answer is raised as :class:`BadResumptionToken`; every
class is an :class:`OAIError`, itself a :class:`~mucluc.core.errors.HarvestError`, so a caller
may catch one code or all of them.
"""

from __future__ import annotations

from mucluc.core.errors import HarvestError


class OAIError(HarvestError):
    """An ``<error code="…">`` answer. ``code`` is the protocol's code, verbatim."""

    code = ""

    def __init__(self, message: str, *, source: str = "", library: str = "",
                 response_date: str = "") -> None:
        super().__init__(message, source=source, library=library)
        self.response_date = response_date


class BadArgument(OAIError):
    code = "badArgument"


class BadResumptionToken(OAIError):
    code = "badResumptionToken"


class BadVerb(OAIError):
    code = "badVerb"


class CannotDisseminateFormat(OAIError):
    code = "cannotDisseminateFormat"


class IdDoesNotExist(OAIError):
    code = "idDoesNotExist"


class NoRecordsMatch(OAIError):
    code = "noRecordsMatch"


class NoMetadataFormats(OAIError):
    code = "noMetadataFormats"


class NoSetHierarchy(OAIError):
    code = "noSetHierarchy"


#: Every error code of OAI-PMH 2.0 §3.6 → its exception class.
OAI_ERRORS: dict[str, type[OAIError]] = {
    cls.code: cls
    for cls in (
        BadArgument, BadResumptionToken, BadVerb, CannotDisseminateFormat, IdDoesNotExist,
        NoRecordsMatch, NoMetadataFormats, NoSetHierarchy,
    )
}
