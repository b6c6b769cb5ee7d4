"""Redaction of free text and the logging filter: no PI value survives, the rest of the text does."""

from __future__ import annotations

import io
import logging
from datetime import date

from yinsi.core.detect.engine import Detector
from yinsi.core.detect.kinds import PiType
from yinsi.core.detect.redact import RedactingFilter, RedactStyle, redact

SAMPLE_ID = "11010519491231002X"  # the sample printed in GB 11643-1999
MOBILE = "13800138000"
NOTE = f"客户张伟来电，手机 {MOBILE}，身份证{SAMPLE_ID}，邮箱 zhang.wei@example.com。"
DETECTOR = Detector(today=date(2025, 6, 1))


def test_mask_style_writes_the_vaults_masks() -> None:
    assert redact(NOTE, DETECTOR) == "客户张*来电，手机 138****8000，身份证1101**********002X，邮箱 z***@example.com。"


def test_type_style_leaves_nothing_of_the_value() -> None:
    assert (
        redact(NOTE, DETECTOR, style=RedactStyle.TYPE)
        == "客户<name>来电，手机 <mobile>，身份证<id_number>，邮箱 <email>。"
    )


def test_text_without_pi_is_unchanged() -> None:
    text = "订单号202312150000123456已发货，客户表示满意。"
    assert redact(text, DETECTOR) == text


def _logger(name: str, redacting: RedactingFilter) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(redacting)
    logger = logging.getLogger(f"tests.redact.{name}")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_the_logging_filter_redacts_arguments_and_tracebacks() -> None:
    logger, stream = _logger("args", RedactingFilter())
    logger.info("user %s logged in from %s", MOBILE, "203.0.113.7")
    try:
        raise ValueError(f"no account for {SAMPLE_ID}")
    except ValueError:
        logger.exception("lookup failed for %s", MOBILE)
    written = stream.getvalue()
    assert MOBILE not in written
    assert SAMPLE_ID not in written
    assert "203.0.113.7" not in written
    assert "user 138****8000 logged in from 203.0.*.*" in written
    assert "ValueError: no account for 1101**********002X" in written


def test_the_logging_filter_can_be_limited_to_some_kinds() -> None:
    logger, stream = _logger("kinds", RedactingFilter(style=RedactStyle.TYPE, types=[PiType.MOBILE]))
    logger.info("mobile %s from %s", MOBILE, "203.0.113.7")
    assert stream.getvalue() == "mobile <mobile> from 203.0.113.7\n"
