"""Bilingual messages: what people read is Simplified Chinese by default, English on request."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_LANG = "zh-CN"


@dataclass(frozen=True, slots=True)
class Msg:
    """One message in both languages. Never put a PI value in one."""

    zh: str
    en: str

    def get(self, lang: str | None) -> str:
        return self.en if lang is not None and lang.lower().startswith("en") else self.zh


def env_lang() -> str:
    """The language of a command's messages: YINSI_LANG=en for English, Chinese otherwise."""
    return "en" if os.environ.get("YINSI_LANG", DEFAULT_LANG).lower().startswith("en") else DEFAULT_LANG


def pick_lang(accept_language: str | None) -> str:
    """The first of zh-CN or en that an Accept-Language header prefers; zh-CN when it says neither."""
    if not accept_language:
        return DEFAULT_LANG
    best, best_q = DEFAULT_LANG, -1.0
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        tag = tag.strip().lower()
        lang = "en" if tag.startswith("en") else DEFAULT_LANG if tag.startswith("zh") else None
        if quality <= 0:
            continue  # q=0: "not acceptable"
        # Earlier entries win ties, as browsers list their preference first.
        score = quality - position * 1e-6
        if lang is not None and score > best_q:
            best, best_q = lang, score
    return best
