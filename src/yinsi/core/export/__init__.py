"""The copy of their personal information a person takes away (PIPL Arts. 45, 47): one ZIP file.

A person asking for a copy wants two things at once: to read it (so CSV files
that Excel or WPS open correctly in China, and a README in Chinese and
English saying what every file and column means) and to take it elsewhere (so
JSON with stable identifiers and a manifest another processor can check).
Both are built here from one ``ExportBundle``, which the service layer fills
from the vault, the consent ledger, the access log, the provision records and
the rights requests; nothing in this module reads a database or a clock.

Each column is declared once (``columns.Column``) and drives the JSON records, the
CSV header, the manifest's schema and the README's tables, so the four cannot
disagree about what a column is called or means.

The archive is reproducible: every entry carries the bundle's own
``generated_at`` as its timestamp and fixed permissions, and records are
sorted, so the same bundle always gives the same bytes and a copy can be
verified by building it again. ``read_export`` checks every file against the
manifest's SHA-256 before trusting any of it.

Derived information (a field with ``derived: true``, inferred by the
operator) is part of the person's copy but not of what they can move to
another processor: it appears in ``pi.json`` with ``"portable": false`` and is
left out of ``pi.csv``, and the README says why.
"""

from yinsi.core.export.archive import build_export, read_export
from yinsi.core.export.bundle import (
    EXPORT_FORMAT,
    ExportAccess,
    ExportBundle,
    ExportConsent,
    ExportProvision,
    ExportRequest,
    ExportValue,
)
from yinsi.core.export.columns import FILES

__all__ = [
    "EXPORT_FORMAT",
    "FILES",
    "ExportAccess",
    "ExportBundle",
    "ExportConsent",
    "ExportProvision",
    "ExportRequest",
    "ExportValue",
    "build_export",
    "read_export",
]
