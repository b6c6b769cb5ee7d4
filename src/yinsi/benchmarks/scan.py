"""``yinsi bench scan``: the scanner's accuracy and speed, and Microsoft Presidio's on the same corpus.

Presidio is the open-source PI detector most often reached for. Its analyzer
is built here with the ``no_op`` NLP engine (the default one loads a spaCy
model, which this machine cannot download, and a language model would not
know Chinese names anyway) and with one PatternRecognizer per yinsi
recogniser: the same regular expression, and a ``validate_result`` that
runs yinsi's own check on what it matched, so both find the same candidates
and the comparison measures the machinery around them. What Presidio lacks
without an NLP engine is context: its context words need tokens, so 订单号
cannot lower a match and 出生 cannot raise one. None of Presidio's own
recognisers is loaded; its e-mail recogniser would call tldextract, which
fetches the public-suffix list over the network, so tldextract is also
pointed at its bundled snapshot before Presidio is imported.

Both run in one process on the same texts, one after the other, after a
warm-up of each; throughput is UTF-8 megabytes of text per second.
"""

from __future__ import annotations

import os
import platform
import re
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from yinsi.benchmarks.scan_corpus import Sample, generate, read_corpus
from yinsi.benchmarks.scan_eval import STRUCTURED, Scores, Spans, evaluate
from yinsi.core.detect.base import Recogniser
from yinsi.core.detect.engine import THRESHOLD, Detector
from yinsi.core.detect.kinds import PiType

__all__ = ["ScanBenchReport", "presidio_finder", "run_scan_bench", "yinsi_finder"]

_PRESIDIO_ADDRESS = (
    r"(?:北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|四川|贵州|"
    r"云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|[\u4e00-\u9fff]{2,4}?(?:市|区|县))[\u4e00-\u9fff0-9]{0,20}?"
    r"(?:大道|大街|路|街|巷|弄|胡同)[0-9]{1,5}(?:-[0-9]{1,4})?号"
    r"(?:院|大厦|小区)?(?:[0-9]{1,3}(?:号楼|栋|幢|座))?(?:[0-9]{1,3}单元)?(?:[0-9]{1,5}(?:室|房))?"
)


_BLOCK = 50


@dataclass
class ScanBenchReport:
    samples: int
    megabytes: float
    yinsi_seconds: float
    presidio_seconds: float
    yinsi: Scores
    presidio: Scores
    machine: list[str]

    @property
    def yinsi_mb_s(self) -> float:
        return self.megabytes / self.yinsi_seconds

    @property
    def presidio_mb_s(self) -> float:
        return self.megabytes / self.presidio_seconds

    def lines(self) -> list[str]:
        out = [f"corpus: {self.samples} labelled texts, {self.megabytes:.2f} MB (UTF-8)"]
        out += ["", "yinsi:", *self.yinsi.table(), "", "Presidio (same patterns and checks, no context):"]
        out += [*self.presidio.table(), ""]
        out.append(f"throughput: yinsi {self.yinsi_mb_s:.2f} MB/s, Presidio {self.presidio_mb_s:.2f} MB/s")
        return [*out, *self.machine]

    def last_line(self) -> str:
        structured = min(self.yinsi.f1(t) for t in STRUCTURED)
        return (
            f"mb_per_s={self.yinsi_mb_s:.2f} presidio_mb_per_s={self.presidio_mb_s:.2f} "
            f"ratio={self.yinsi_mb_s / self.presidio_mb_s:.2f} f1={self.yinsi.micro().f1:.3f} "
            f"presidio_f1={self.presidio.micro().f1:.3f} structured_f1_min={structured:.3f} "
            f"name_f1={self.yinsi.f1(PiType.NAME):.3f} address_f1={self.yinsi.f1(PiType.ADDRESS):.3f}"
        )


def yinsi_finder(detector: Detector | None = None) -> Callable[[str], Spans]:
    detector = detector or Detector()

    def find(text: str) -> Spans:
        return [(f.start, f.end, f.type) for f in detector.find(text)]

    return find


def presidio_finder(detector: Detector | None = None) -> Callable[[str], Spans]:
    """Presidio's AnalyzerEngine with one pattern recogniser per yinsi recogniser (see the module's docstring)."""
    _keep_tldextract_offline()
    # A development dependency: imported only when the benchmark runs.
    from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer, RecognizerRegistry  # noqa: PLC0415
    from presidio_analyzer.nlp_engine import NoOpNlpEngine  # noqa: PLC0415

    class Checked(PatternRecognizer):
        def __init__(self, recogniser: Recogniser, regex: str) -> None:
            self.recogniser = recogniser
            # Below the threshold until the check says yes (then Presidio sets the score to 1.0).
            pattern = Pattern(name=recogniser.type.value, regex=regex, score=0.3)
            super().__init__(
                supported_entity=recogniser.type.value,
                supported_language="zh",
                patterns=[pattern],
                global_regex_flags=re.MULTILINE | re.DOTALL,
            )

        def validate_result(self, pattern_text: str) -> bool | None:
            match = self.recogniser.pattern.fullmatch(pattern_text)
            if match is None:  # the address pattern, which is Presidio's own
                return True
            score = self.recogniser.score(match)
            if score is None:
                return False
            return True if score >= THRESHOLD else None

    detector = detector or Detector()
    registry = RecognizerRegistry(supported_languages=["zh"])
    for recogniser in detector.recognisers:
        regex = _PRESIDIO_ADDRESS if recogniser.type is PiType.ADDRESS else recogniser.pattern.pattern
        registry.add_recognizer(Checked(recogniser, regex))
    engine = AnalyzerEngine(
        registry=registry,
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": "zh", "model_name": "no_op"}]),
        supported_languages=["zh"],
    )

    def find(text: str) -> Spans:
        results: list[Any] = engine.analyze(text=text, language="zh", score_threshold=THRESHOLD)
        return [(r.start, r.end, PiType(r.entity_type)) for r in results]

    return find


def _keep_tldextract_offline() -> None:
    with suppress(ImportError):
        import tldextract  # noqa: PLC0415 - comes with presidio-analyzer, a development dependency

        # An extractor that never fetches the suffix list: it uses the snapshot shipped in the package.
        offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        setattr(tldextract, "extract", offline)  # noqa: B010 - replacing the module's function is the point
        setattr(tldextract.tldextract, "extract", offline)  # noqa: B010 - likewise where presidio looks it up


def _timed(samples: list[Sample], find: Callable[[str], Spans]) -> float:
    started = time.perf_counter()
    for sample in samples:
        find(sample.text)
    return time.perf_counter() - started


def _alternating(
    samples: list[Sample], first: Callable[[str], Spans], second: Callable[[str], Spans]
) -> tuple[float, float]:
    """Both timed over the same blocks in turn, so a busy moment of a shared machine weighs on both alike."""
    totals = [0.0, 0.0]
    for offset in range(0, len(samples), _BLOCK):
        block = samples[offset : offset + _BLOCK]
        totals[0] += _timed(block, first)
        totals[1] += _timed(block, second)
    return totals[0], totals[1]


def run_scan_bench(
    *, samples: int, corpus_file: Path | None = None, echo: Callable[[str], None] = print
) -> ScanBenchReport:
    """Both scanners on the synthetic corpus (``samples`` texts), or on a labelled JSON-lines file."""
    corpus = read_corpus(corpus_file) if corpus_file is not None else list(generate(samples))
    megabytes = sum(len(s.text.encode()) for s in corpus) / 1e6
    detector = Detector()
    ours = yinsi_finder(detector)
    echo("building Presidio's analyzer (no_op NLP engine) ...")
    theirs = presidio_finder(detector)
    warm = corpus[: max(1, len(corpus) // 20)]
    _timed(warm, ours)
    _timed(warm, theirs)
    echo(f"timing yinsi and Presidio on {len(corpus)} texts ...")
    yinsi_seconds, presidio_seconds = _alternating(corpus, ours, theirs)
    return ScanBenchReport(
        samples=len(corpus),
        megabytes=megabytes,
        yinsi_seconds=yinsi_seconds,
        presidio_seconds=presidio_seconds,
        yinsi=evaluate(corpus, ours),
        presidio=evaluate(corpus, theirs),
        machine=_machine(),
    )


def _machine() -> list[str]:
    cpu = ""
    with suppress(OSError):
        models = re.findall(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
        cpu = f" ({models[0].strip()})" if models else ""
    from importlib import metadata  # noqa: PLC0415 - only for the report's last lines

    return [
        f"machine: {os.cpu_count()} cores{cpu}, {platform.system()} {platform.release()}",
        f"python: {platform.python_implementation()} {platform.python_version()}; "
        f"presidio-analyzer {metadata.version('presidio-analyzer')}",
    ]
