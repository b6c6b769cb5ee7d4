"""Property tests of the provision rules on every seed: nothing undeclared ever leaves, whatever is asked."""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from yinsi.core.access import GRANTED, ConsentSnapshot
from yinsi.core.policy.load import load_policy_file
from yinsi.core.policy.model import PolicySpec
from yinsi.core.policy.vocabulary import RecipientKind
from yinsi.core.sharing import Terms, consent_scope, is_abroad, provision_terms

SEEDS = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


@cache
def _spec(name: str) -> PolicySpec:
    result = load_policy_file(EXAMPLES / name)
    assert result.spec is not None
    return result.spec


@st.composite
def requests(draw: st.DrawFn) -> tuple[PolicySpec, str, str, list[str], ConsentSnapshot]:
    spec = _spec(draw(st.sampled_from(SEEDS)))
    names = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
    recipient = draw(st.one_of(st.sampled_from(sorted(spec.recipients)), names))
    purpose = draw(st.one_of(st.sampled_from(sorted(spec.purposes)), names))
    fields = draw(st.lists(st.one_of(st.sampled_from(sorted(spec.fields)), names), max_size=6, unique=True))
    granted = draw(st.sets(st.sampled_from(sorted(spec.recipients))))
    consent = ConsentSnapshot({("separate", consent_scope(r)): GRANTED for r in granted}, policy_accepted=True)
    return spec, recipient, purpose, fields, consent


@settings(deadline=None)  # the first examples load the seed files
@given(requests())
def test_no_provision_carries_a_field_or_purpose_the_spec_does_not_declare_for_the_recipient(
    request: tuple[PolicySpec, str, str, list[str], ConsentSnapshot],
) -> None:
    spec, recipient, purpose, fields, consent = request
    terms = provision_terms(spec, recipient, purpose, fields, consent)
    if not isinstance(terms, Terms):
        return
    declared = spec.recipients[recipient]
    assert declared.kind is not RecipientKind.AUTHORITY  # only a disclosure, with its legal document, reaches one
    assert purpose in declared.purposes
    assert fields
    assert set(fields) <= set(declared.fields)
    if declared.separate_consent or is_abroad(spec, declared):
        assert terms.basis == "separate_consent"
    assert (terms.mechanism is not None) == is_abroad(spec, declared)
