"""What the law requires of a spec, derived from its facts rather than taken from its author.

Whether a separate consent (单独同意) is needed is not the operator's choice:
PIPL requires one for sensitive PI (Art. 29), for provision to another
processor (Art. 23), for public disclosure (Art. 25), for public-place images
used for anything but public security (Art. 26) and for transfer abroad
(Art. 39), wherever the processing rests on consent (Art. 13: the other
grounds need no consent at all). The renderer, ``policy check`` and
``yinsi check`` all ask this module, so no rendering can print "not required"
where the law requires it.

De-identified data is still personal information (PIPL Art. 4, 73): only
anonymised data leaves the law, so ``deidentified`` exempts nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass

from yinsi.core.i18n import Msg
from yinsi.core.policy.model import PolicySpec, Recipient
from yinsi.core.policy.vocabulary import CrossBorderRule, LegalBasis, RecipientKind, Sensitivity


@dataclass(frozen=True, slots=True)
class Article:
    """One article of law behind a requirement, with a short reason."""

    code: str  # "PIPL Art. 29"
    name: Msg  # 个人信息保护法第二十九条 / PIPL Art. 29
    reason: Msg


ART_23 = Article(
    "PIPL Art. 23",
    Msg("个人信息保护法第二十三条", "PIPL Art. 23"),
    Msg("向其他个人信息处理者提供个人信息", "providing personal information to another processor"),
)
ART_25 = Article(
    "PIPL Art. 25",
    Msg("个人信息保护法第二十五条", "PIPL Art. 25"),
    Msg("公开个人信息", "making personal information public"),
)
ART_26 = Article(
    "PIPL Art. 26",
    Msg("个人信息保护法第二十六条", "PIPL Art. 26"),
    Msg("将公共场所采集的图像、身份识别信息用于维护公共安全以外的目的", "using public-place images for other purposes"),
)
ART_29 = Article(
    "PIPL Art. 29",
    Msg("个人信息保护法第二十九条", "PIPL Art. 29"),
    Msg("处理敏感个人信息", "processing sensitive personal information"),
)
ART_39 = Article(
    "PIPL Art. 39",
    Msg("个人信息保护法第三十九条", "PIPL Art. 39"),
    Msg("向境外提供个人信息", "providing personal information abroad"),
)

# Recipients that are other processors: provision to them is 对外提供 (Art. 23). Entrusted processors and SDKs
# act for the operator (Art. 21); authorities receive PI under a legal duty.
_OTHER_PROCESSORS = frozenset({RecipientKind.AFFILIATE, RecipientKind.PARTNER})


def _sensitive(spec: PolicySpec, fields: list[str]) -> bool:
    return any(
        (field := spec.fields.get(fid)) is not None and field.sensitivity is Sensitivity.SENSITIVE for fid in fields
    )


def purpose_articles(spec: PolicySpec, purpose_id: str) -> tuple[Article, ...]:
    """The articles that require a separate consent for a purpose (empty when the law requires none)."""
    purpose = spec.purposes[purpose_id]
    found: list[Article] = []
    if any((field := spec.fields.get(fid)) is not None and field.public_place for fid in purpose.fields) and (
        purpose.legal_basis is not LegalBasis.LEGAL_OBLIGATION
    ):
        found.append(ART_26)
    if purpose.legal_basis is LegalBasis.CONSENT and _sensitive(spec, purpose.fields):
        found.append(ART_29)
    return tuple(found)


def recipient_abroad(spec: PolicySpec, recipient: Recipient) -> bool:
    """Whether a recipient is outside mainland China: its own region, else where the operator stores PI."""
    region = recipient.region or spec.storage.region
    return region is not None and region != "CN"


# Grounds on which PI goes to a recipient because a law compels it. A contract with the person is not among them:
# that the operator needs PI to perform a contract does not show that handing it to another processor is needed
# too, so in doubt provision rests on consent (and a separate consent).
_COMPELLED = frozenset({LegalBasis.LEGAL_OBLIGATION, LegalBasis.PUBLIC_HEALTH_EMERGENCY, LegalBasis.OTHER_LAW})


def _on_consent(spec: PolicySpec, recipient: Recipient) -> bool:
    """Provision rests on consent unless a law compels it for every purpose it serves (PIPL Art. 13)."""
    if recipient.kind is RecipientKind.AUTHORITY:
        return False
    bases = [spec.purposes[pid].legal_basis for pid in recipient.purposes if pid in spec.purposes]
    return not bases or any(basis not in _COMPELLED for basis in bases)


def recipient_articles(spec: PolicySpec, recipient_id: str) -> tuple[Article, ...]:
    """The articles that require a separate consent before PI goes to a recipient."""
    recipient = spec.recipients[recipient_id]
    if not _on_consent(spec, recipient):
        return ()
    found: list[Article] = []
    if recipient.kind in _OTHER_PROCESSORS:
        found.append(ART_23)
    if _sensitive(spec, recipient.fields) and recipient.kind in _OTHER_PROCESSORS:
        found.append(ART_29)
    if recipient_abroad(spec, recipient):
        found.append(ART_39)
    return tuple(found)


def disclosure_articles(spec: PolicySpec, disclosure_id: str) -> tuple[Article, ...]:
    """The articles that require a separate consent before PI is made public."""
    disclosure = spec.public_disclosures[disclosure_id]
    if disclosure.legal_basis is not LegalBasis.CONSENT:
        return ()
    found = [ART_25]
    if _sensitive(spec, disclosure.fields):
        found.append(ART_29)
    return tuple(found)


def cross_border_articles(spec: PolicySpec) -> tuple[Article, ...]:
    """A policy that says PI may go abroad needs a separate consent for it (Art. 39)."""
    return (ART_39,) if spec.storage.cross_border.rule is CrossBorderRule.MAY_TRANSFER else ()


def names(articles: tuple[Article, ...], lang: str) -> str:
    """ "个人信息保护法第二十三条、第二十九条" / "PIPL Art. 23, 29"."""
    if lang == "en":
        return "PIPL Art. " + ", ".join(a.code.removeprefix("PIPL Art. ") for a in articles)
    first, *rest = [a.name.zh for a in articles]
    return first + "".join("、" + r.removeprefix("个人信息保护法") for r in rest)
