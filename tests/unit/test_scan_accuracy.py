"""The scanner meets its accuracy targets on the labelled synthetic corpus (scripts/scan-corpus).

F1 at least 0.95 for the structured kinds and 0.8 for names and addresses,
on a corpus of a size that runs in about a second. ``yinsi bench scan``
reports the same figures on a larger corpus, with Presidio's beside them.
"""

from __future__ import annotations

import pytest

from yinsi.benchmarks.scan import yinsi_finder
from yinsi.benchmarks.scan_corpus import generate
from yinsi.benchmarks.scan_eval import STRUCTURED, Scores, evaluate
from yinsi.core.detect.kinds import PiType


@pytest.fixture(scope="module")
def scores() -> Scores:
    return evaluate(generate(1500), yinsi_finder())


@pytest.mark.parametrize("kind", STRUCTURED)
def test_structured_kinds_reach_f1_095(scores: Scores, kind: PiType) -> None:
    assert scores.f1(kind) >= 0.95, "\n".join(scores.table())


@pytest.mark.parametrize("kind", [PiType.NAME, PiType.ADDRESS])
def test_names_and_addresses_reach_f1_08(scores: Scores, kind: PiType) -> None:
    assert scores.f1(kind) >= 0.8, "\n".join(scores.table())


def test_every_kind_is_in_the_corpus_and_found(scores: Scores) -> None:
    assert set(scores.present()) == set(PiType)
    assert all(scores.per_type[kind].tp > 0 for kind in PiType)


def test_the_corpus_is_the_same_for_the_same_seed() -> None:
    assert [s.text for s in generate(30)] == [s.text for s in generate(30)]
    assert [s.text for s in generate(30, seed=1)] != [s.text for s in generate(30)]
