"""The PI vault: the one way operators' services read and write personal information.

Every operation is one transaction: it asks the access decision (``gate``),
validates what comes in and seals it (``writing``), opens values only once
the decision allows it (``reading``), finds subjects through blind indexes
(``lookup``) or shreds them (``erasure``), and appends its audit event before
committing. Operators' services keep only subject ids; the PI lives here, in
the tables of ``rows``.
"""

from yinsi.services.vault.facade import Vault
from yinsi.services.vault.model import (
    SOURCE_MAX,
    Actor,
    ImmutableField,
    InvalidInput,
    ReadResult,
    StoredValue,
    WriteResult,
)

__all__ = [
    "SOURCE_MAX",
    "Actor",
    "ImmutableField",
    "InvalidInput",
    "ReadResult",
    "StoredValue",
    "Vault",
    "WriteResult",
]
