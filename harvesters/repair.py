"""Repair of legacy-encoded text in a MARC record, field by field, keeping each change."""

from __future__ import annotations

import pymarc

from analyzers.legacy import repair
from harvesters.records import Repair


def repair_record(record: pymarc.Record) -> list[Repair]:
    """Repair every subfield of ``record`` in place; return what changed (field, before, after)."""
    repairs: list[Repair] = []
    for marc_field in record.get_fields():
        if marc_field.is_control_field():
            continue
        changed = False
        subfields = []
        for subfield in marc_field.subfields:
            fixed, encoding = repair(subfield.value)
            if encoding and fixed != subfield.value:
                repairs.append(
                    Repair(
                        field=f"{marc_field.tag}${subfield.code}",
                        before=subfield.value,
                        after=fixed,
                        kind=encoding,
                    )
                )
                subfields.append(pymarc.Subfield(code=subfield.code, value=fixed))
                changed = True
            else:
                subfields.append(subfield)
        if changed:
            marc_field.subfields = subfields
    return repairs
