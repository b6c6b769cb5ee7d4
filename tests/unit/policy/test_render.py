"""The published policy text: complete, in the standard order, safely escaped, byte-for-byte reproducible.

Golden files pin the exact output of every example spec. After an intended
change to the renderer, the labels or a spec, regenerate them with

    YINSI_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/policy/test_render.py

and review the diff like any other change to the published policy.
"""

from __future__ import annotations

import copy
import functools
import html
import inspect
import json
import os
import re
import subprocess
import sys
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import opencc
import pytest
from markupsafe import escape

from yinsi.core.i18n import Msg
from yinsi.core.policy import labels as L
from yinsi.core.policy import vocabulary
from yinsi.core.policy.load import load_policy_file
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.render import OPENCC_CONFIG, RenderFormat, RenderLang, escape_markdown, render_policy

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "policies"
GOLDEN = ROOT / "tests" / "golden"
SEED_001 = EXAMPLES / "001_b323a55268a82f2d.yaml"
LANGS: tuple[RenderLang, ...] = ("zh-CN", "zh-TW", "en")
FORMATS: tuple[RenderFormat, ...] = ("md", "html")
COMBOS = [(lang, fmt) for lang in LANGS for fmt in FORMATS]
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
REGENERATE = "YINSI_UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/policy/test_render.py"

_TO_TRADITIONAL = opencc.OpenCC(OPENCC_CONFIG)

# A small spec exercising what seed 001 does not: an SDK abroad, personalisation, a guardian rule,
# a refused and an unstated right, supplementary notices - and labels that try to break the markup.
SMALL: dict[str, Any] = {
    "spec_version": 1,
    "policy": {
        "id": "small",
        "version": "1.2",
        "title": {"zh-CN": "小测隐私政策", "en": "Small Test Privacy Policy"},
        "product": {"zh-CN": "小测 App", "en": "the Small Test app"},
        "effective_date": "2024-03-01",
        "updated_date": "2024-02-20",
        "previous_version_date": "2023-01-10",
        "view_in_product": {"zh-CN": "设置 → 隐私", "en": "Settings → Privacy"},
        "introduction": {
            "zh-CN": "本政策说明小测 App 如何处理您的个人信息。",
            "en": "How the Small Test app handles your PI.",
        },
    },
    "operator": {
        "name": {"zh-CN": "小测科技有限公司", "en": "Small Test Tech Ltd."},
        "includes_affiliates": True,
        "address": {"zh-CN": "上海市某路 1 号", "en": "1 Some Road, Shanghai"},
    },
    "contact": {
        "channels": [
            {"kind": "email", "value": "privacy@example.com", "uses": ["rights", "complaints"]},
            {"kind": "phone", "value": "400-000-0000", "label": {"zh-CN": "客服热线", "en": "Hotline"}},
        ],
        "dpo": {"department": {"zh-CN": "个人信息保护办公室", "en": "Privacy Office"}, "contact": "dpo@example.com"},
        "response": "10 working days",
        "response_after": "receipt",
    },
    "scope": {
        "channels": ["app", "wechat_mini_program"],
        "visitors": True,
        "registered_users": True,
        "third_party_services_excluded": True,
        "supplementary_notices": [
            {
                "id": "watch",
                "product": {"zh-CN": "小测手表", "en": "the Small Test watch"},
                "text": {"zh-CN": "手表另收集心率。", "en": "The watch also collects heart rate."},
            }
        ],
    },
    "principles": ["lawfulness", "minimisation"],
    "fields": {
        "mobile": {
            "type": "mobile",
            "label": {"zh-CN": "手机号码", "en": "Mobile number"},
            "category": "online_identity",
            "immutable": True,
        },
        "nickname": {
            "type": "free_text",
            "label": {"zh-CN": "昵称<script>alert(1)</script>", "en": "Nickname <script>alert(1)</script>"},
            "category": "basic",
        },
        "pipe": {
            "type": "free_text",
            "label": {"zh-CN": "偏好|标签", "en": "Preference | tag"},
            "category": "browsing",
            "derived": True,
        },
        "face": {
            "type": "media",
            "label": {"zh-CN": "人脸图像", "en": "Face image"},
            "category": "biometric",
            "sensitivity": "sensitive",
            "necessity": {"zh-CN": "核验您是本人。", "en": "To check it is really you."},
            "impact": {"zh-CN": "泄露后无法更换。", "en": "It cannot be changed if leaked."},
        },
        "location": {
            "type": "location",
            "label": {"zh-CN": "精确位置", "en": "Precise location"},
            "category": "location",
            "sources": ["device"],
        },
    },
    "purposes": {
        "account": {
            "label": {"zh-CN": "注册与登录", "en": "Sign-up and login"},
            "function": "basic",
            "legal_basis": "contract",
            "fields": ["mobile", "nickname"],
            "retention": {"until": "account_cancellation"},
        },
        "verify": {
            "label": {"zh-CN": "刷脸核验", "en": "Face check"},
            "function": "additional",
            "legal_basis": "consent",
            "separate_consent": True,
            "fields": ["face"],
            "retention": {"period": "30 days", "on_expiry": "delete"},
        },
        "recommend": {
            "label": {"zh-CN": "个性化推荐 | 精选", "en": "Recommendations | picks"},
            "description": {"zh-CN": "根据您的偏好推荐内容。", "en": "We suggest content from your preferences."},
            "function": "additional",
            "legal_basis": "consent",
            "fields": ["pipe", "location"],
            "permissions": ["loc"],
            "cookies": ["prefs"],
            "personalisation": True,
            "others_pi": True,
            "retention": {"period": "1 year", "on_expiry": "anonymise"},
        },
    },
    "permissions": {
        "loc": {
            "kind": "location",
            "label": {"zh-CN": "位置权限", "en": "Location permission"},
            "description": {"zh-CN": "用于推荐附近内容。", "en": "For nearby suggestions."},
        }
    },
    "cookies": {
        "prefs": {
            "category": "preferences",
            "label": {"zh-CN": "偏好 Cookie", "en": "Preference cookie"},
            "technologies": ["cookie", "local_storage"],
            "expiry": "90 days",
        }
    },
    "personalisation": {
        "offered": True,
        "opt_out": {"zh-CN": "设置 → 隐私 → 个性化推荐", "en": "Settings → Privacy → Personalisation"},
        "non_personalised_alternative": True,
        "profile_deletion": True,
    },
    "recipients": {
        "push_sdk": {
            "kind": "sdk",
            "name": {"zh-CN": "推送 SDK <b>粗</b>", "en": "Push SDK <b>bold</b>"},
            "sdk_provider": {"zh-CN": "某推送公司", "en": "Some Push Co."},
            "fields": ["mobile"],
            "purposes": ["account"],
            "region": "SG",
            "agreement": True,
            "cross_border_consent": True,
            "delete_on_end": True,
        },
        "maps": {
            "kind": "partner",
            "name": {"zh-CN": "地图伙伴", "en": "Maps partner"},
            "fields": ["location"],
            "purposes": ["recommend"],
            "separate_consent": True,
        },
    },
    "sharing": {"exceptions": ["national_security", "vital_interests"], "anonymised_statistics": True},
    "storage": {
        "region": "CN",
        "cross_border": {"rule": "may_transfer", "destinations": ["SG"]},
        "security_measures": ["encryption_in_transit", "password_hashing"],
    },
    "rights": {
        "access": {"self_service": True, "path": {"zh-CN": "我的 → 资料", "en": "Me → Profile"}},
        "copy": {"offered": "unstated"},
        "delete": {"offered": "no", "note": {"zh-CN": "只能注销账号。", "en": "Only by cancelling the account."}},
        "cancel_account": {
            "how": {"zh-CN": "在设置中注销。", "en": "Cancel in Settings."},
            "deadline": "15 working days",
        },
    },
    "requests": {
        "deadline": "15 working days",
        "identity_verification": True,
        "free": True,
        "excessive": {"max_requests": 4, "window_days": 30, "action": "refuse"},
        "refusal_grounds": ["national_security", "trade_secrets"],
        "external_remedies": ["cac", "court"],
        "court": {"zh-CN": "本公司所在地人民法院", "en": "the court where we are based"},
    },
    "cancellation": {
        "blockers": [{"zh-CN": "未完成的订单", "en": "Unfinished orders"}],
        "review_deadline": "15 working days",
        "third_party_login_release": True,
    },
    "minors": {"rule": "guardian_consent", "guardian_consent_under": 14, "guardian_may": ["access", "delete"]},
    "consent": {
        "refusal_cooldown": "48 hours",
        "new_purpose_opt_in": True,
        "how_to_withdraw": {"zh-CN": "设置 → 隐私 → 授权管理", "en": "Settings → Privacy → Permissions"},
    },
    "incidents": {"channels": ["push", "email"], "notice_contents": ["situation_and_impact", "remedies"]},
    "shutdown": {"notice": "30 days", "channels": ["in_app_message"], "stop_collection": True, "after": "delete"},
    "changes": {
        "channels": ["popup"],
        "notice_before_effect": True,
        "no_rights_reduction_without_consent": True,
        "no_settings_change": True,
        "material_kinds": ["ownership", "rights"],
    },
    "unstated": [{"zh-CN": "政策没有说明备份。", "en": "The policy says nothing about backups."}],
}

MINIMAL: dict[str, Any] = {
    "policy": {"id": "minimal", "version": "1", "title": "最小政策"},
    "operator": {},
    "contact": {},
    "fields": {"mobile": {"type": "mobile", "label": "手机号码", "category": "online_identity"}},
    "purposes": {
        "login": {
            "label": "登录",
            "function": "basic",
            "legal_basis": "contract",
            "fields": ["mobile"],
            "retention": {"until": "account_cancellation"},
        }
    },
    "storage": {"cross_border": {"rule": "prohibited"}},
}


# --------------------------------------------------------------------------- helpers


@functools.cache
def _load(path: Path) -> PolicySpec | None:
    # Specs are frozen, so one loaded copy can serve every test.
    return load_policy_file(path).spec


def _seed() -> PolicySpec:
    spec = _load(SEED_001)
    assert spec is not None, load_policy_file(SEED_001).errors
    return spec


def _small(**changes: Any) -> PolicySpec:
    data = copy.deepcopy(SMALL)
    data.update(changes)
    return PolicySpec.model_validate(data)


def _specs() -> dict[str, PolicySpec]:
    return {"001": _seed(), "small": _small()}


def _text_in(text: str, lang: str, fmt: str) -> str:
    """How a spec label appears in the output: converted for zh-TW, escaped for the format."""
    if lang == "zh-TW":
        text = _TO_TRADITIONAL.convert(text)
    return str(escape(text)) if fmt == "html" else escape_markdown(text)


def _local(msg: Msg, lang: str) -> str:
    text = msg.get(lang)
    return str(_TO_TRADITIONAL.convert(text)) if lang == "zh-TW" else text


def _main_titles(lang: str) -> list[str]:
    return [_local(m, lang) for m in L.MAIN_SECTIONS]


def _headings(text: str, fmt: str, level: int) -> list[str]:
    if fmt == "md":
        marker = "#" * level + " "
        return [line[len(marker) :] for line in text.splitlines() if line.startswith(marker)]
    return [html.unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", text)]


def _section(text: str, heading: str) -> str:
    """The Markdown text under a level-3 heading that contains ``heading``, up to the next heading."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("### ") and heading in line)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    return "\n".join(lines[start + 1 : end])


class _TagBalance(HTMLParser):
    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.append((tag, attrs))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()


def check_golden(path: Path, text: str) -> None:
    """Compare ``text`` with a golden file byte for byte, or rewrite it when YINSI_UPDATE_GOLDEN=1."""
    data = text.encode("utf-8")
    if os.environ.get("YINSI_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        return
    if not path.exists():
        pytest.fail(f"golden file {path.relative_to(ROOT)} is missing; create it with: {REGENERATE}")
    expected = path.read_bytes()
    if expected != data:
        old, new = expected.decode("utf-8").splitlines(), text.splitlines()
        line = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
        pytest.fail(
            f"{path.relative_to(ROOT)} differs from the rendering at line {line + 1}:\n"
            f"  golden:   {old[line] if line < len(old) else '<end of file>'}\n"
            f"  rendered: {new[line] if line < len(new) else '<end of file>'}\n"
            f"If the change is intended, regenerate with: {REGENERATE}"
        )


def _loadable_examples() -> list[Path]:
    return [p for p in sorted(EXAMPLES.glob("*.yaml")) if _load(p) is not None]


# --------------------------------------------------------------------------- content


@pytest.mark.parametrize(("lang", "fmt"), COMBOS)
@pytest.mark.parametrize("name", ["001", "small"])
def test_every_field_purpose_and_recipient_is_named(name: str, lang: RenderLang, fmt: RenderFormat) -> None:
    spec = _specs()[name]
    text = render_policy(spec, lang, fmt)
    src = "en" if lang == "en" else "zh-CN"
    named = [
        *(f.label.get(src) for f in spec.fields.values()),
        *(p.label.get(src) for p in spec.purposes.values()),
        *(r.name.get(src) for r in spec.recipients.values()),
    ]
    missing = [label for label in named if _text_in(label, lang, fmt) not in text]
    assert not missing, f"not in the {lang} {fmt} rendering: {missing}"


@pytest.mark.parametrize(("lang", "fmt"), COMBOS)
@pytest.mark.parametrize("name", ["001", "small"])
def test_sections_follow_appendix_d_order(name: str, lang: RenderLang, fmt: RenderFormat) -> None:
    text = render_policy(_specs()[name], lang, fmt)
    titles = _main_titles(lang)
    headings = _headings(text, fmt, 2)
    found = [next(i for i, title in enumerate(titles) if title in h) for h in headings if any(t in h for t in titles)]
    assert found == list(range(len(titles))), headings
    # Title first, then the preamble, the contents, the nine sections, and the closing notes.
    assert len(_headings(text, fmt, 1)) == 1
    scope, toc, unstated = (_local(m, lang) for m in (L.SEC_SCOPE, L.SEC_TOC, L.SEC_UNSTATED))
    first = min(i for i, h in enumerate(headings) if titles[0] in h)
    assert headings.index(scope) < headings.index(toc) < first
    assert headings[-1] == unstated


def test_rights_are_rendered_as_the_spec_states_them() -> None:
    for lang in ("zh-CN", "en"):
        text = render_policy(_small(), lang, "md")
        unstated = escape_markdown(L.RIGHT_UNSTATED_BEFORE.get(lang))
        offered_marks = (L.RIGHT_HOW.get(lang), L.RIGHT_SELF_SERVICE.get(lang), L.RIGHT_DEADLINE.get(lang))

        copy_section = _section(text, L.RIGHT[vocabulary.Right.COPY].get(lang))  # offered: unstated
        assert unstated in copy_section
        assert not any(mark in copy_section for mark in offered_marks)

        portability = _section(text, L.RIGHT[vocabulary.Right.PORTABILITY].get(lang))  # not in the spec
        assert unstated in portability
        assert not any(mark in portability for mark in offered_marks)

        delete = _section(text, L.RIGHT[vocabulary.Right.DELETE].get(lang))  # offered: no
        assert escape_markdown(L.RIGHT_NOT_OFFERED_BEFORE.get(lang)) in delete
        assert not any(mark in delete for mark in offered_marks)

        access = _section(text, L.RIGHT[vocabulary.Right.ACCESS].get(lang))  # offered
        assert unstated not in access
        assert L.RIGHT_SELF_SERVICE_YES.get(lang) in access

    seed = render_policy(_seed(), "zh-CN", "md")
    for right in (vocabulary.Right.PORTABILITY, vocabulary.Right.EXPLAIN, vocabulary.Right.RESTRICT):
        assert L.RIGHT_UNSTATED_BEFORE.zh in _section(seed, L.RIGHT[right].zh)


def test_a_non_statutory_right_appears_only_when_offered() -> None:
    leave = L.RIGHT[vocabulary.Right.LEAVE_MEMBERSHIP].zh
    assert leave not in render_policy(_small(), "zh-CN", "md")
    rights = {
        **SMALL["rights"],
        "leave_membership": {"how": {"zh-CN": "在会员页退出。", "en": "On the membership page."}},
    }
    assert leave in render_policy(_small(rights=rights), "zh-CN", "md")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["001", "small"])
def test_traditional_chinese_is_converted_but_keeps_legal_terms(name: str, fmt: RenderFormat) -> None:
    text = render_policy(_specs()[name], "zh-TW", fmt)
    assert "個人" in text
    assert "个人" not in text
    assert "個人信息保護法" in text  # s2tw keeps the statute's name; s2twp would say 個人資訊保護法
    assert "資訊" not in text
    assert '<html lang="zh-TW">' in text if fmt == "html" else True


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["001", "small"])
def test_english_has_no_chinese_when_the_spec_has_english(name: str, fmt: RenderFormat) -> None:
    text = render_policy(_specs()[name], "en", fmt)
    assert not CJK.findall(text), sorted(set(CJK.findall(text)))


def test_english_falls_back_to_the_spec_chinese_only() -> None:
    fields = copy.deepcopy(SMALL["fields"])
    fields["mobile"]["label"] = "手机号码"
    text = render_policy(_small(fields=fields), "en", "md")
    assert "手机号码" in text
    assert not CJK.findall(text.replace("手机号码", ""))


def test_labels_cover_every_vocabulary_value() -> None:
    enums = [
        obj
        for _, obj in inspect.getmembers(vocabulary, inspect.isclass)
        if issubclass(obj, StrEnum) and obj is not StrEnum
    ]
    assert enums
    for enum in enums:
        assert enum in L.ENUM_LABELS, f"labels has no words for {enum.__name__}"
        for value in enum:
            words = L.ENUM_LABELS[enum].get(value)
            assert words is not None, f"labels has no words for {enum.__name__}.{value.name}"
            assert words.zh.strip(), f"{enum.__name__}.{value.name}: no Chinese words"
            assert words.en.strip(), f"{enum.__name__}.{value.name}: no English words"
            assert not CJK.search(words.en), f"{enum.__name__}.{value.name}: English has Chinese"


def test_fixed_text_has_no_chinese_in_english() -> None:
    for name, value in vars(L).items():
        msgs = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else [value]
        for msg in msgs:
            if isinstance(msg, Msg):
                assert not CJK.search(msg.en), f"labels.{name}: {msg.en!r}"


def test_durations_and_dates_read_naturally() -> None:
    from yinsi.core.policy.types import Duration

    assert L.duration(Duration.parse("15 working days"), "zh-CN") == "15 个工作日"
    assert L.duration(Duration.parse("15 working days"), "en") == "15 working days"
    assert L.duration(Duration.parse("1 month"), "en") == "1 month"
    assert L.duration(Duration.parse("48 hours"), "zh-CN") == "48 小时"
    assert L.label(vocabulary.RetentionEnd.ACCOUNT_CANCELLATION, "zh-CN") == "至您注销账号"
    small = render_policy(_small(), "zh-CN", "md")
    assert "在 15 个工作日内完成核验" in small
    assert "2024年3月1日" in small
    assert "我们在 48 小时内不会就同一事项再次征求您的同意" in small
    # A default the spec does not state is not published as a promise.
    assert "48 小时" not in render_policy(_seed(), "zh-CN", "md")


# --------------------------------------------------------------------------- formats and escaping


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["001", "small", "minimal"])
def test_html_is_a_well_formed_standalone_page(name: str, lang: RenderLang) -> None:
    spec = PolicySpec.model_validate(MINIMAL) if name == "minimal" else _specs()[name]
    text = render_policy(spec, lang, "html")
    parser = _TagBalance()
    parser.feed(text)
    parser.close()
    assert not parser.errors, parser.errors[:5]
    assert not parser.stack, f"unclosed: {parser.stack}"
    assert text.startswith("<!DOCTYPE html>\n")
    assert f'<html lang="{lang}">' in text
    assert '<meta charset="utf-8">' in text
    assert "script" not in parser.tags
    assert not [a for a in parser.attrs if any(k in ("src", "srcset") for k, _ in a[1])]
    hrefs = [v for _, attrs in parser.attrs for k, v in attrs if k == "href"]
    assert hrefs
    assert all(h is not None and h.startswith("#") for h in hrefs), "no external resource or link"
    ids = {v for _, attrs in parser.attrs for k, v in attrs if k == "id"}
    assert {h[1:] for h in hrefs if h} <= ids, "every contents link has its anchor"
    assert "<nav" in text


def test_html_escapes_spec_text() -> None:
    text = render_policy(_small(), "en", "html")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>" not in text
    assert "Push SDK &lt;b&gt;bold&lt;/b&gt;" in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["001", "small", "minimal"])
def test_markdown_is_clean(name: str, lang: RenderLang) -> None:
    spec = PolicySpec.model_validate(MINIMAL) if name == "minimal" else _specs()[name]
    text = render_policy(spec, lang, "md")
    lines = text.split("\n")
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    assert not [line for line in lines if line != line.rstrip()], "trailing whitespace"
    assert "\n\n\n" not in text
    assert "<script>" not in text
    headings = [line for line in lines if line.startswith("#")]
    assert headings[0].startswith("# ")
    assert all(re.match(r"^#{1,3} \S", h) for h in headings)
    # Every row of a table has as many unescaped pipes as its header.
    table: list[int] = []
    for line in [*lines, ""]:
        if line.startswith("|"):
            table.append(len(re.findall(r"(?<!\\)\|", line)))
        elif table:
            assert len(set(table)) == 1, table
            table = []


def test_markdown_escapes_pipes_and_markup_in_labels() -> None:
    text = render_policy(_small(), "en", "md")
    assert "Preference \\| tag" in text
    assert "Recommendations \\| picks" in text
    assert "Nickname \\<script\\>alert(1)\\</script\\>" in text
    zh = render_policy(_small(), "zh-CN", "md")
    assert "偏好\\|标签" in zh


def test_escape_markdown() -> None:
    assert escape_markdown("a|b*c_d[e]<f>") == "a\\|b\\*c\\_d\\[e\\]\\<f\\>"
    assert escape_markdown("1. first") == "1\\. first"
    assert escape_markdown("- item") == "\\- item"
    assert escape_markdown("# title") == "\\# title"
    assert escape_markdown("1. title", line_start=False) == "1. title"
    assert escape_markdown("R&D &amp;") == "R&D \\&amp;"


def test_unknown_language_or_format_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        render_policy(_seed(), "fr", "md")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="format"):
        render_policy(_seed(), "en", "pdf")  # type: ignore[arg-type]


@pytest.mark.parametrize(("lang", "fmt"), COMBOS)
def test_a_minimal_spec_renders_without_inventing(lang: RenderLang, fmt: RenderFormat) -> None:
    text = render_policy(PolicySpec.model_validate(MINIMAL), lang, fmt)
    assert (
        text.count(_text_in(L.RIGHT_UNSTATED_BEFORE.get(lang), lang, fmt)) == len(L.RIGHT) - 2
    )  # all but leaving a membership and the automated-decision right
    assert _text_in(L.NOT_STATED.get(lang), lang, fmt) in text  # the operator's name
    assert _text_in(L.MINORS_NONE.get(lang), lang, fmt) in text


def test_templates_ship_with_the_package() -> None:
    from importlib.resources import files

    templates = files("yinsi.core.policy") / "templates"
    assert (templates / "policy.md.j2").is_file()
    assert (templates / "policy.html.j2").is_file()


# --------------------------------------------------------------------------- determinism and golden files


def test_rendering_is_deterministic_across_processes(tmp_path: Path) -> None:
    spec_file = tmp_path / "small.json"
    spec_file.write_text(json.dumps(SMALL, ensure_ascii=False), encoding="utf-8")
    script = (
        "import json, sys\n"
        "from yinsi.core.policy.load import load_policy_file\n"
        "from yinsi.core.policy.model import PolicySpec\n"
        "from yinsi.core.policy.render import render_policy\n"
        "specs = {'001': load_policy_file(sys.argv[1]).spec,\n"
        "         'small': PolicySpec.model_validate(json.load(open(sys.argv[2], encoding='utf-8')))}\n"
        "out = {f'{n} {l} {f}': render_policy(s, l, f) for n, s in specs.items()\n"
        "       for l in ('zh-CN', 'zh-TW', 'en') for f in ('md', 'html')}\n"
        "sys.stdout.buffer.write(json.dumps(out, sort_keys=True).encode())\n"
    )
    combos = [(name, spec, lang, fmt) for name, spec in _specs().items() for lang in LANGS for fmt in FORMATS]
    here = {f"{name} {lang} {fmt}": render_policy(spec, lang, fmt) for name, spec, lang, fmt in combos}
    reloaded = load_policy_file(SEED_001).spec
    assert reloaded is not None
    fresh = {"001": reloaded, "small": _small()}
    again = {f"{name} {lang} {fmt}": render_policy(fresh[name], lang, fmt) for name, _, lang, fmt in combos}
    assert again == here
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [sys.executable, "-c", script, str(SEED_001), str(spec_file)],
            capture_output=True,
            check=True,
            env=env,
            cwd=ROOT,
        )
        there = json.loads(run.stdout)
        assert there.keys() == here.keys()
        for key, text in here.items():
            assert there[key].encode() == text.encode(), f"{key} differs with PYTHONHASHSEED={seed}"


@pytest.mark.parametrize(("lang", "fmt"), COMBOS)
@pytest.mark.parametrize("spec_path", _loadable_examples(), ids=lambda p: p.stem)
def test_golden(spec_path: Path, lang: RenderLang, fmt: RenderFormat) -> None:
    spec = _load(spec_path)
    assert spec is not None
    check_golden(GOLDEN / f"{spec_path.stem}.{lang}.{fmt}", render_policy(spec, lang, fmt))
