"""The project's own demo data: a Điện Biên union catalogue and benchmark records.

``make demo`` loads :func:`write_demo_catalogue`'s files (one per demo library, ISO 2709 or
MARCXML); ``make bench`` feeds :func:`generate_records` / :func:`write_marc_file` to the
indexer. Nothing here is copied from a real catalogue; see :mod:`mucluc.demo.works`.
"""

from mucluc.demo.catalogue import (
    demo_file_name,
    demo_holdings,
    demo_records,
    write_demo_catalogue,
)
from mucluc.demo.generate import generate_records, write_marc_file
from mucluc.demo.isbn import is_valid_isbn13
from mucluc.demo.libraries import DEMO_LIBRARIES, MARCXML_LIBRARY, DemoLibrary
from mucluc.demo.works import WORKS, Work

__all__ = [
    "DEMO_LIBRARIES",
    "MARCXML_LIBRARY",
    "WORKS",
    "DemoLibrary",
    "Work",
    "demo_file_name",
    "demo_holdings",
    "demo_records",
    "generate_records",
    "is_valid_isbn13",
    "write_demo_catalogue",
    "write_marc_file",
]
