"""Chapter 5: every statutory right (offered, refused or not stated), how to make a request, and remedies."""

from __future__ import annotations

from yinsi.core.policy import labels
from yinsi.core.policy.model import RightSpec
from yinsi.core.policy.render.builder import (
    OPTIONAL_RIGHTS,
    Builder,
    Draft,
    bullets,
    para,
    runs,
)
from yinsi.core.policy.render.document import (
    Block,
    Facts,
    Inline,
)
from yinsi.core.policy.vocabulary import (
    ExternalRemedy,
    Right,
)


def rights(bld: Builder) -> tuple[list[Block], list[Draft]]:
    spec = bld.spec
    children = [
        Draft(right.value.replace("_", "-"), labels.RIGHT[right], right_blocks(bld, right, spec.rights.get(right)))
        for right in Right
        if right not in OPTIONAL_RIGHTS
        or right in spec.rights
        or (right is Right.AUTOMATED_DECISION and any(p.automated_decision for p in spec.purposes.values()))
    ]
    children.append(Draft("requests", labels.SUB_REQUESTS, requests(bld)))
    children.append(Draft("remedies", labels.SUB_REMEDIES, remedies(bld)))
    return [para(bld.t(labels.RIGHTS_INTRO))], children


def right_blocks(bld: Builder, right: Right, declared: RightSpec | None) -> list[Block]:
    """How to exercise one right; a right the spec does not offer is said to be unstated, never invented."""
    spec = bld.spec
    contact = bld.ref("contact")
    blocks: list[Block] = []
    if declared is None or declared.offered == "unstated":
        blocks.append(para(bld.t(labels.RIGHT_UNSTATED_BEFORE), contact, bld.t(labels.RIGHT_UNSTATED_AFTER), note=True))
    elif declared.offered == "no":
        blocks.append(
            para(bld.t(labels.RIGHT_NOT_OFFERED_BEFORE), contact, bld.t(labels.RIGHT_UNSTATED_AFTER), note=True)
        )
    else:
        rows: list[tuple[str, Inline]] = []
        if declared.how is not None:
            rows.append((bld.t(labels.RIGHT_HOW), runs(bld.prose(declared.how))))
        if declared.path is not None:
            rows.append((bld.t(labels.RIGHT_PATH), runs(bld.label(declared.path))))
        if declared.self_service:
            rows.append((bld.t(labels.RIGHT_SELF_SERVICE), runs(bld.t(labels.RIGHT_SELF_SERVICE_YES))))
        else:
            request = runs(bld.t(labels.RIGHT_REQUEST_BEFORE), contact, bld.t(labels.RIGHT_REQUEST_AFTER))
            rows.append((bld.t(labels.RIGHT_SELF_SERVICE), request))
        general = spec.requests.complaints_deadline if right is Right.COMPLAIN else None
        deadline = declared.deadline or general or (None if declared.self_service else spec.requests.deadline)
        if deadline is not None:
            rows.append((bld.t(labels.RIGHT_DEADLINE), runs(bld.capital(bld.deadline(deadline)))))
        blocks.append(Facts(tuple(rows)))
    if declared is not None and declared.note is not None:
        blocks.append(para(bld.prose(declared.note)))

    if right is Right.CORRECT:
        immutable = [bld.label(f.label) for f in spec.fields.values() if f.immutable]
        if immutable:
            blocks.append(para(bld.t(labels.IMMUTABLE_FIELDS, fields=bld.join(immutable))))
    elif right is Right.CANCEL_ACCOUNT and spec.cancellation is not None:
        cancellation = spec.cancellation
        if cancellation.blockers:
            blocks.append(para(bld.t(labels.CANCEL_BLOCKERS)))
            blocks.append(bullets([bld.prose(b) for b in cancellation.blockers]))
        lines = []
        if cancellation.review_deadline is not None:
            lines.append(bld.t(labels.CANCEL_REVIEW, period=bld.dur(cancellation.review_deadline)))
        if cancellation.third_party_login_release:
            lines.append(bld.t(labels.CANCEL_THIRD_PARTY))
        lines.append(bld.t(labels.CANCEL_AFTER, dispose=bld.t(labels.DISPOSE[cancellation.after])))
        blocks.append(para(bld.sentences(lines)))
    elif right is Right.COMPLAIN and (declared is None or declared.offered != "yes"):
        complaints = spec.requests.complaints_deadline
        if complaints is not None:
            blocks.append(Facts(((bld.t(labels.COMPLAINTS_DEADLINE), runs(bld.capital(bld.deadline(complaints)))),)))
    return blocks


def requests(bld: Builder) -> list[Block]:
    req = bld.spec.requests
    lines = []
    if req.deadline is None:
        lines.append(bld.t(labels.REQ_NO_DEADLINE))
    else:
        msg = {True: labels.REQ_DEADLINE_VERIFIED, False: labels.REQ_DEADLINE_RECEIPT, None: labels.REQ_DEADLINE_PLAIN}[
            req.identity_verification
        ]
        lines.append(bld.t(msg, period=bld.dur(req.deadline)))
    if req.identity_verification is True:
        lines.append(bld.t(labels.REQ_IDENTITY))
    if req.written_request_may_be_required:
        lines.append(bld.t(labels.REQ_WRITTEN))
    blocks: list[Block] = [para(bld.sentences(lines))]
    lines = [] if req.free is None else [bld.t(labels.REQ_FREE if req.free else labels.REQ_NOT_FREE)]
    if req.excessive is not None:
        lines.append(
            bld.t(
                labels.REQ_EXCESSIVE,
                days=str(req.excessive.window_days),
                count=str(req.excessive.max_requests),
                action=bld.enum(req.excessive.action),
            )
        )
        if req.excessive.fee is not None:
            lines.append(bld.t(labels.REQ_FEE, fee=bld.clause(bld.prose(req.excessive.fee))))
    if req.may_refuse_unreasonable:
        lines.append(bld.t(labels.REQ_UNREASONABLE))
    if lines:
        blocks.append(para(bld.sentences(lines)))
    if req.refusal_grounds:
        blocks.append(para(bld.t(labels.REQ_REFUSAL)))
        blocks.append(bld.enumerated([bld.enum(g) for g in req.refusal_grounds]))
    else:
        blocks.append(para(bld.t(labels.REQ_REFUSAL_NONE)))
    return blocks


def remedies(bld: Builder) -> list[Block]:
    req = bld.spec.requests
    items = []
    for remedy in req.external_remedies:
        if remedy is ExternalRemedy.COURT and req.court is not None:
            items.append(bld.t(labels.REMEDY_COURT, court=bld.label(req.court)))
        else:
            items.append(bld.enum(remedy))
    if req.court is not None and ExternalRemedy.COURT not in req.external_remedies:
        items.append(bld.t(labels.REMEDY_COURT, court=bld.label(req.court)))
    if not items:
        return [para(bld.t(labels.REMEDIES_NONE))]
    return [para(bld.t(labels.REMEDIES_INTRO)), bld.enumerated(items)]
