"""Text that XML 1.0 can carry: one rule for every XML response (OAI-PMH, SRU, Atom).

Records and echoed queries may hold characters XML 1.0 forbids (C0 controls from legacy MARC,
lone surrogates from a JSON escape). They are dropped, so a response never fails on them: they
carry nothing a reader could see, and the harvesters have already marked undecodable input with
U+FFFD on the way in (``harvesters.xml_safety``), which XML carries.
"""

from __future__ import annotations

import re
from typing import Any

_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: Any) -> str:
    """``value`` as text XML 1.0 can carry: the characters it forbids dropped."""
    return _NOT_XML.sub("", str(value))
