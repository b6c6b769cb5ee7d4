"""What every recogniser is: a pattern that finds candidates and a check that scores or drops each.

Patterns never use ``\\b``: in Python it treats Chinese characters as word
characters, so ``手机13800138000`` would have no boundary before the digits.
Every pattern instead fences itself with look-arounds on ``[0-9A-Za-z]``
(``NOT_BEFORE`` and ``NOT_AFTER``), which is what separates one number from
the next in Chinese text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from yinsi.core.detect.kinds import PiType

__all__ = ["NOT_AFTER", "NOT_BEFORE", "Found", "Recogniser"]

NOT_BEFORE = r"(?<![0-9A-Za-z])"
NOT_AFTER = r"(?![0-9A-Za-z])"


class Found(NamedTuple):
    """One piece of PI in a text: where it is, what it is, how sure the recogniser is (0 to 1).

    A named tuple rather than a frozen dataclass: a scan creates one per value found, and a tuple is
    several times cheaper to create.
    """

    type: PiType
    start: int
    end: int
    score: float
    value: str

    def __repr__(self) -> str:
        # Never the value: a Found may end up in a log line or a test's failure message.
        return f"Found(type={self.type!s}, start={self.start}, end={self.end}, score={self.score:.2f})"


@dataclass(frozen=True)
class Recogniser:
    """A pattern and a check: ``score`` gives a match its base confidence, or None to drop it.

    ``group`` names the part of the match that is the PI (the rest is context the pattern needed).
    """

    type: PiType
    pattern: re.Pattern[str]
    score: Callable[[re.Match[str]], float | None]
    group: int | str = 0
    needs: str = ""  # characters of which a text must contain at least one for the pattern to match

    def candidates(self, text: str) -> Iterator[tuple[int, int, float]]:
        """Start, end and base confidence of every candidate in ``text`` that passes the check."""
        if self.needs and not any(ch in text for ch in self.needs):
            return
        for match in self.pattern.finditer(text):
            score = self.score(match)
            if score is not None:
                yield match.start(self.group), match.end(self.group), score
