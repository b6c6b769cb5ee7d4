"""Renders a policy spec as the privacy policy people read: Markdown or a standalone HTML page.

Rendering happens in two steps. First the spec becomes a *document* in one
language: titled sections of paragraphs, bullet lists, label/value facts and
tables, with every word taken from the spec or from ``labels``. Then one
Jinja2 template per format lays that document out. Keeping the content out of
the templates means the Markdown and the HTML say exactly the same thing, and
each template only has to care about layout and escaping.

The sections follow GB/T 35273-2020 Appendix D (NOT-11) and are always all
present, so a reader (or a regulator's checklist) finds each topic in the same
place in every policy. Where the spec is silent, the text says so instead of
filling the gap with a promise the operator never made; above all a right
that is missing or ``unstated`` is never described as offered.

Traditional Chinese is the Simplified rendering converted with OpenCC, string
by string on the finished document, so that no hand-made character table can
drift from the source text and the markup is never touched by the converter.

Output is a pure function of the spec: no clock, no locale, no hash-ordered
iteration (the spec's dicts keep their YAML order), so the same spec always
gives the same bytes and a published version can be verified by re-rendering.
"""

from __future__ import annotations

from yinsi.core.policy.render.writer import (
    OPENCC_CONFIG,
    RenderFormat,
    RenderLang,
    escape_markdown,
    render_policy,
    to_traditional,
)

__all__ = ["OPENCC_CONFIG", "RenderFormat", "RenderLang", "escape_markdown", "render_policy", "to_traditional"]
