"""What a scan learns about one column or one file: which PI it holds, how much, how surely.

Values go in one at a time and are forgotten at once: a profile keeps counts,
scores and at most three examples per kind, and those only masked (with the
vault's own masks), so a scan report can be mailed to a privacy officer
without becoming a copy of the data it describes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from yinsi.core.detect.base import Found
from yinsi.core.detect.engine import Detector
from yinsi.core.detect.kinds import KINDS, PiType
from yinsi.core.masking import mask
from yinsi.core.policy.vocabulary import FieldType, Sensitivity

__all__ = ["EXAMPLES", "WHOLE_SHARE", "KindFinding", "Profile", "Profiler", "masked"]

EXAMPLES = 3
WHOLE_SHARE = 0.5
"""A column is typed as a kind when at least this share of its values are that kind whole."""


def masked(found: Found) -> str:
    """A found value as a role that may not see it would: the vault's mask for its field type."""
    return mask(KINDS[found.type].field_type, found.value)


@dataclass
class KindFinding:
    type: PiType
    values: int = 0  # values (cells, lines) that contain at least one
    whole: int = 0  # values that are entirely one such PI
    occurrences: int = 0
    score_sum: float = 0.0
    examples: list[str] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        return self.score_sum / self.occurrences if self.occurrences else 0.0


@dataclass
class Profile:
    """One column (``table.column``) or file, and the PI found in it, the most frequent first."""

    source: str
    name: str
    sampled: int
    findings: list[KindFinding]

    @property
    def sensitivity(self) -> Sensitivity | None:
        if not self.findings:
            return None
        if any(KINDS[f.type].sensitivity is Sensitivity.SENSITIVE for f in self.findings):
            return Sensitivity.SENSITIVE
        return Sensitivity.GENERAL

    def share(self, finding: KindFinding) -> float:
        return finding.values / self.sampled if self.sampled else 0.0

    @property
    def field_type(self) -> FieldType | None:
        """The spec type a draft gives it: the kind that fills it, or free text that mentions PI."""
        if not self.findings:
            return None
        top = max(self.findings, key=lambda f: f.whole)
        if self.sampled and top.whole / self.sampled >= WHOLE_SHARE:
            return KINDS[top.type].field_type
        return FieldType.FREE_TEXT

    @property
    def main_type(self) -> PiType | None:
        if not self.findings:
            return None
        top = max(self.findings, key=lambda f: f.whole)
        return top.type if self.field_type is not FieldType.FREE_TEXT else None


_DECORATION = str.maketrans("", "", " -+()（）:：")


def _fills(text: str, found: Found) -> bool:
    """Whether a value is this one finding whole, give or take a country code and punctuation."""
    before = text[: found.start].translate(_DECORATION)
    if found.type is PiType.MOBILE:
        before = before.removeprefix("0086").removeprefix("86")
    return not before and not text[found.end :].translate(_DECORATION)


class Profiler:
    """Feeds the values of one column or file through a detector; ``hints`` is the column's name."""

    def __init__(self, detector: Detector, source: str, name: str, hints: tuple[str, ...] = ()) -> None:
        self.detector = detector
        self.source = source
        self.name = name
        self.hints = hints
        self.sampled = 0
        self.kinds: dict[PiType, KindFinding] = {}

    def add(self, value: str) -> None:
        text = value.strip()
        if not text:
            return
        self.sampled += 1
        found = self.detector.find(text, hints=self.hints)
        seen: set[PiType] = set()
        for item in found:
            finding = self.kinds.get(item.type)
            if finding is None:
                finding = self.kinds[item.type] = KindFinding(item.type)
            finding.occurrences += 1
            finding.score_sum += item.score
            if item.type not in seen:
                seen.add(item.type)
                finding.values += 1
            if len(found) == 1 and _fills(text, item):
                finding.whole += 1
            if len(finding.examples) < EXAMPLES:
                example = masked(item)
                if example not in finding.examples:
                    finding.examples.append(example)

    def result(self) -> Profile:
        findings = sorted(self.kinds.values(), key=lambda f: (-f.values, f.type.value))
        return Profile(self.source, self.name, self.sampled, findings)
