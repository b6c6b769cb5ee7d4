"""Recipients whose policy never says which PI they get: said as such, named by the checker, given nothing.

Four of the five seeds name recipients (affiliates, partners, SDKs, authorities) without saying which PI goes to
them. The specs do not invent fields; so the rendered policy must say "not stated" for them, `policy check` must
name each, and no provision or disclosure to them can ever pass the spec's own limits.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from yinsi.core.access import Deny
from yinsi.core.policy.load import LoadResult, load_policy_file
from yinsi.core.policy.render import render_policy
from yinsi.core.policy.vocabulary import RecipientKind
from yinsi.core.sharing import declared_refusal

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "policies"
SEEDS = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
NOT_STATED = {"en": "Not stated in this policy", "zh-CN": "本政策未写明"}


@cache
def _loaded(seed: str) -> LoadResult:
    return load_policy_file(EXAMPLES / f"{seed}.yaml")


def _silent(seed: str) -> list[str]:
    spec = _loaded(seed).spec
    assert spec is not None
    return [rid for rid, r in spec.recipients.items() if not r.fields]


def test_four_seeds_have_recipients_the_policy_is_silent_on() -> None:
    assert {seed[:3]: len(_silent(seed)) for seed in SEEDS} == {"000": 5, "001": 0, "002": 3, "003": 4, "004": 4}


@pytest.mark.parametrize("seed", SEEDS)
def test_policy_check_names_each_one(seed: str) -> None:
    named = [p for p in _loaded(seed).warnings if p.code == "recipient_fields_not_stated"]
    assert sorted(p.message.en.split("'")[1] for p in named) == sorted(_silent(seed))
    assert all("provides or discloses nothing" in p.message.en for p in named)


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("seed", SEEDS)
def test_the_rendered_policy_says_what_they_get_is_not_stated(seed: str, lang: str) -> None:
    spec = _loaded(seed).spec
    assert spec is not None
    text = render_policy(spec, lang, "md")
    for rid in _silent(seed):
        name = spec.recipients[rid].name.en if lang == "en" else spec.recipients[rid].name.zh_CN
        [row] = [line for line in text.splitlines() if line.startswith(f"| **{name}** |")]
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[3] == NOT_STATED[lang], (rid, row)


@pytest.mark.parametrize("seed", SEEDS)
def test_nothing_can_be_provided_to_them(seed: str) -> None:
    spec = _loaded(seed).spec
    assert spec is not None
    for rid in _silent(seed):
        recipient = spec.recipients[rid]
        for purpose in recipient.purposes or ["*"]:
            refusal = declared_refusal(spec, rid, purpose, list(spec.fields))
            # an authority is no recipient to provide to; any other is refused its undeclared fields
            expected = (
                (Deny.RECIPIENT_NOT_DECLARED,)
                if recipient.kind is RecipientKind.AUTHORITY
                else (Deny.FIELD_NOT_FOR_RECIPIENT, Deny.PURPOSE_NOT_FOR_RECIPIENT)
            )
            assert refusal in expected, (rid, purpose)
