"""Masking the PI in free text: customer-service notes, logs, anything a person typed.

Two styles: ``mask`` writes each value as the vault would show it to a role
that may not see it (``138****5678``, ``张*``), which keeps a note readable
and lets staff tell customers apart; ``type`` replaces it with its kind
(``<mobile>``), which reveals nothing of it at all.

``RedactingFilter`` is a ``logging.Filter`` an operator can attach to the
handlers of their own application, so that a careless
``log.info("user %s", phone)`` never reaches a file or a log service with the
number in it. It redacts the formatted message and any traceback text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from enum import StrEnum

from yinsi.core.detect.engine import Detector
from yinsi.core.detect.kinds import PiType
from yinsi.core.detect.profile import masked

__all__ = ["RedactStyle", "RedactingFilter", "redact"]


class RedactStyle(StrEnum):
    MASK = "mask"
    TYPE = "type"


def redact(text: str, detector: Detector, *, style: RedactStyle = RedactStyle.MASK) -> str:
    """``text`` with every PI value the detector finds masked or replaced by its kind."""
    found = detector.find(text)
    if not found:
        return text
    parts: list[str] = []
    position = 0
    for item in found:
        parts.append(text[position : item.start])
        parts.append(f"<{item.type.value}>" if style is RedactStyle.TYPE else masked(item))
        position = item.end
    parts.append(text[position:])
    return "".join(parts)


class RedactingFilter(logging.Filter):
    """Redacts PI from every record that passes: put it on a handler (``handler.addFilter(...)``).

    On a handler rather than a logger, because a logger's filters do not see
    records propagated from its children.
    """

    def __init__(
        self, *, style: RedactStyle = RedactStyle.MASK, types: Iterable[PiType] | None = None, name: str = ""
    ) -> None:
        super().__init__(name)
        self.detector = Detector(types=types)
        self.style = style

    def filter(self, record: logging.LogRecord) -> bool:
        if not super().filter(record):
            return False
        record.msg = redact(record.getMessage(), self.detector, style=self.style)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.detector, style=self.style)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.detector, style=self.style)
        return True
