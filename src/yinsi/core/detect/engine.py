"""The detector: every recogniser over a text, context applied, overlaps settled.

One pass per recogniser over the whole text (Python's regular expressions
skip quickly to where a pattern can start), then, for each candidate, a look
at the dozen characters before it. Where candidates overlap, the surest
wins: an 18-digit run that is a valid ID number and also passes Luhn is an ID
number, because the ID number's checks are the stricter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime

from yinsi.core.deadlines import today_in_china
from yinsi.core.detect.addresses import address_recognisers
from yinsi.core.detect.base import Found, Recogniser
from yinsi.core.detect.context import context_of, hint_types
from yinsi.core.detect.dates import date_recognisers
from yinsi.core.detect.documents import document_recognisers
from yinsi.core.detect.kinds import PiType
from yinsi.core.detect.names import is_name_value, name_recognisers
from yinsi.core.detect.network import network_recognisers
from yinsi.core.detect.numbers import number_recognisers
from yinsi.core.detect.vehicles import vehicle_recognisers

__all__ = ["THRESHOLD", "Detector"]

THRESHOLD = 0.5
"""Findings below this confidence are not reported."""

_RAISE = {PiType.BIRTH_DATE: 0.55, PiType.LANDLINE: 0.3, PiType.PASSPORT: 0.35, PiType.TRAVEL_PERMIT: 0.35}
_DEFAULT_RAISE = 0.15
_LOWER = 0.4  # a negative word (订单号, 版本) takes even a valid-looking number below the threshold
_DIGIT = re.compile("[0-9]")
# Kinds whose values can be written without a digit (an IPv6 address such as fe::ab has one rarely enough).
_WITHOUT_DIGITS = frozenset({PiType.NAME, PiType.EMAIL, PiType.IP})
# Kinds reported only after a context word of their own (their base confidence is below the threshold).
_CONTEXT_ONLY = frozenset({PiType.BIRTH_DATE})
# Kinds whose checks are strong enough that a keyword of another kind before them does not matter.
_SELF_EVIDENT = frozenset({PiType.ID_NUMBER, PiType.EMAIL, PiType.ADDRESS, PiType.NAME})


class Detector:
    """Finds PI in text. Build one and reuse it: building compiles the patterns."""

    def __init__(self, *, today: date | None = None, types: Iterable[PiType] | None = None) -> None:
        today = today if today is not None else today_in_china(datetime.now(UTC))
        wanted = frozenset(types) if types is not None else frozenset(PiType)
        everything: list[Recogniser] = [
            *number_recognisers(today),
            *network_recognisers(),
            *document_recognisers(),
            *vehicle_recognisers(),
            *date_recognisers(today),
            *name_recognisers(),
            *address_recognisers(),
        ]
        self.recognisers = [r for r in everything if r.type in wanted]
        self.types = wanted
        self._plan = [(r, r.type, tuple(r.needs), type(r) is Recogniser) for r in self.recognisers]
        self._digitless = [p for p in self._plan if p[1] in _WITHOUT_DIGITS]

    def find(self, text: str, *, hints: Iterable[str] = ()) -> list[Found]:
        """The PI in ``text``, in order of position; ``hints`` (a column's name) act as context for all of it."""
        hinted = hint_types(hints)
        candidates: list[Found] = []
        # Most values of a name or note column have no digit: only names and e-mail can be in them.
        plan = self._plan if _DIGIT.search(text) else self._digitless
        for recogniser, kind, needs, plain in plan:
            if needs and not any(map(text.__contains__, needs)):
                continue
            if plain:
                # The common case inlined: this loop is most of a scan's time.
                check, group = recogniser.score, recogniser.group
                context_first = kind in _CONTEXT_ONLY
                for match in recogniser.pattern.finditer(text):
                    start = match.start(group)
                    if context_first:
                        context = context_of(text, start)
                        if kind not in (context if context is not None else hinted or ()):
                            continue  # never reported without its context: no need to check it
                    base = check(match)
                    if base is None:
                        continue
                    if not context_first:
                        context = context_of(text, start)
                    score = _adjust(kind, base, context, hinted)
                    if score >= THRESHOLD:
                        end = match.end(group)
                        candidates.append(Found(kind, start, end, score, text[start:end]))
                continue
            for start, end, base in recogniser.candidates(text):
                score = _adjust(kind, base, context_of(text, start), hinted)
                if score >= THRESHOLD:
                    candidates.append(Found(kind, start, end, score, text[start:end]))
        if hinted and PiType.NAME in hinted and PiType.NAME in self.types and not candidates:
            stripped = text.strip()
            if is_name_value(stripped):
                start = text.index(stripped)
                candidates.append(Found(PiType.NAME, start, start + len(stripped), 0.85, stripped))
        return _settle(candidates)


def _adjust(kind: PiType, base: float, before: frozenset[PiType] | None, hinted: frozenset[PiType] | None) -> float:
    context = before if before is not None else hinted
    if context is None:
        return base
    if kind in context:
        return min(1.0, base + _RAISE.get(kind, _DEFAULT_RAISE))
    if not context:  # a negative word
        return base if kind in _SELF_EVIDENT else base - _LOWER
    return base


def _settle(candidates: list[Found]) -> list[Found]:
    if len(candidates) < 2:
        return candidates
    kept: list[Found] = []
    for found in sorted(candidates, key=lambda f: (-f.score, f.start - f.end, f.start)):
        if all(found.end <= k.start or found.start >= k.end for k in kept):
            kept.append(found)
    kept.sort(key=lambda f: f.start)
    return kept
