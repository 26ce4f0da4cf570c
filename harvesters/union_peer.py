"""Records harvested from another union catalogue (a Mục lục's ``/oai``): one library's part.

A union catalogue's ``marc21`` record describes one book with one ``852`` per holding library
(``$a`` library code, ``$b`` name, ``$c`` location, ``$h`` call number, ``$9`` copies, ``$x`` the
library's own record number; see ``searchapi.oai.formats``). Harvested for library ``L`` (the set
``library:L``), it becomes L's own record: its identity is L's record number (``$x``), and its
holdings are L's copies only, as Koha-style ``952`` item fields (one per copy, ``$o`` call number,
``$c`` location), which the mapping counts. So a second catalogue harvesting the first, library by
library, stores the same member records and builds the same union records and holdings.

A record without an ``852`` for ``L`` carrying ``$x`` is not a union record: it is left alone.
"""

from __future__ import annotations

import re

import pymarc

_COUNT = re.compile(r"^[0-9]{1,9}$")  # ASCII digits only: "²".isdigit() is True
MAX_COPIES = 1000  # a copies count beyond this is a damaged record, not a library's shelf


def library_part(record: pymarc.Record, library: str) -> tuple[pymarc.Record, str] | None:
    """(the record as ``library``'s own, its record number), or None for a record that is not
    a union catalogue's."""
    ours = [
        field for field in record.get_fields("852")
        if library in field.get_subfields("a") and field.get_subfields("x")
    ]
    if not ours:
        return None
    holding = ours[0]
    local_id = holding.get_subfields("x")[0].strip()
    if not local_id:
        return None
    for field in record.get_fields("001", "003", "852", "952"):
        record.remove_field(field)
    record.add_ordered_field(pymarc.Field(tag="001", data=local_id))
    counts = [v.strip() for v in holding.get_subfields("9") if _COUNT.match(v.strip())]
    copies = min(max(int(counts[0]) if counts else 1, 1), MAX_COPIES)
    call_number = " ".join(holding.get_subfields("h"))
    location = " ".join(holding.get_subfields("c"))
    for _ in range(copies):
        subfields = [pymarc.Subfield("a", library)]
        if call_number:
            subfields.append(pymarc.Subfield("o", call_number))
        if location:
            subfields.append(pymarc.Subfield("c", location))
        record.add_field(pymarc.Field(tag="952", indicators=pymarc.Indicators(" ", " "),
                                      subfields=subfields))
    return record, local_id
