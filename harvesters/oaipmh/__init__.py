"""OAI-PMH 2.0 harvesting, in three modules named after what they hold:

* :mod:`~harvesters.oaipmh.errors`: every OAI error code as an exception class of the same name;
* :mod:`~harvesters.oaipmh.client`: :class:`OAIClient`, one verb per request, parsed responses;
* :mod:`~harvesters.oaipmh.harvesting`: :func:`harvest`, a whole list as checkpointed pages.

Everything a caller uses is importable from ``harvesters.oaipmh`` itself.
"""

from harvesters.oaipmh.client import (
    OAI_NS,
    Identify,
    ListRecordsResponse,
    OAIClient,
    response_date_to_from,
)
from harvesters.oaipmh.errors import (
    OAI_ERRORS,
    BadArgument,
    BadResumptionToken,
    BadVerb,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoMetadataFormats,
    NoRecordsMatch,
    NoSetHierarchy,
    OAIError,
)
from harvesters.oaipmh.harvesting import Page, commit_pages, harvest

__all__ = [
    "OAI_ERRORS", "OAI_NS", "BadArgument", "BadResumptionToken", "BadVerb",
    "CannotDisseminateFormat", "IdDoesNotExist", "Identify", "ListRecordsResponse",
    "NoMetadataFormats", "NoRecordsMatch", "NoSetHierarchy", "OAIClient", "OAIError", "Page",
    "commit_pages", "harvest", "response_date_to_from",
]
