"""Problems found in a spec, each pinned to a file, line and column."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from yinsi.core.i18n import Msg


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a spec. Errors make it invalid; warnings are compliance concerns."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: Msg

    def format(self, lang: str | None = None) -> str:
        """``FILE:LINE:COL: error: message`` on one line, as compilers print, so editors can jump to it."""
        text = " ".join(self.message.get(lang).split())
        return f"{self.file}:{self.line}:{self.column}: {self.severity.value}: {text}"

    def as_error(self) -> Problem:
        return Problem(self.file, self.line, self.column, Severity.ERROR, self.code, self.message)


Path = tuple[str | int, ...]
"""Where in the spec a problem is: a sequence of mapping keys and list indexes."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem before it is pinned to a position: the checks know paths, the loader knows lines."""

    path: Path
    severity: Severity
    code: str
    message: Msg
    at_key: bool = False
