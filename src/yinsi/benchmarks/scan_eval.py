"""Precision, recall and F1 per kind of PI, on a labelled corpus.

A finding counts as a true positive when it overlaps a labelled span of the
same kind (each labelled span is matched once): a name reported as ``李娜``
where the label says ``李娜`` is right, and so is an address whose first
character differs, because an operator looking for where PI lives needs the
place, not the exact boundary. Everything else found is a false positive, and
every labelled span left unmatched a false negative.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from yinsi.benchmarks.scan_corpus import Sample
from yinsi.core.detect.kinds import PiType

__all__ = ["STRUCTURED", "Scores", "evaluate"]

STRUCTURED = (PiType.ID_NUMBER, PiType.MOBILE, PiType.BANK_CARD, PiType.EMAIL, PiType.IP)

Spans = list[tuple[int, int, PiType]]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    per_type: dict[PiType, Counts] = field(default_factory=lambda: {t: Counts() for t in PiType})

    def add(self, gold: Spans, found: Spans) -> None:
        unmatched = list(gold)
        for start, end, kind in found:
            hit = next((g for g in unmatched if g[2] is kind and g[0] < end and start < g[1]), None)
            if hit is None:
                self.per_type[kind].fp += 1
            else:
                unmatched.remove(hit)
                self.per_type[kind].tp += 1
        for _, _, kind in unmatched:
            self.per_type[kind].fn += 1

    def present(self) -> list[PiType]:
        return [t for t, c in self.per_type.items() if c.tp + c.fp + c.fn]

    def f1(self, kind: PiType) -> float:
        return self.per_type[kind].f1

    def micro(self) -> Counts:
        total = Counts()
        for counts in self.per_type.values():
            total.tp += counts.tp
            total.fp += counts.fp
            total.fn += counts.fn
        return total

    def table(self) -> list[str]:
        lines = [f"{'type':<15}{'precision':>10}{'recall':>8}{'F1':>7}{'found':>7}{'labelled':>9}"]
        for kind in self.present():
            c = self.per_type[kind]
            lines.append(
                f"{kind.value:<15}{c.precision:>10.3f}{c.recall:>8.3f}{c.f1:>7.3f}{c.tp + c.fp:>7}{c.tp + c.fn:>9}"
            )
        m = self.micro()
        lines.append(f"{'all':<15}{m.precision:>10.3f}{m.recall:>8.3f}{m.f1:>7.3f}{m.tp + m.fp:>7}{m.tp + m.fn:>9}")
        return lines


def evaluate(samples: Iterable[Sample], find: Callable[[str], Spans]) -> Scores:
    scores = Scores()
    for sample in samples:
        scores.add(sample.spans, find(sample.text))
    return scores
