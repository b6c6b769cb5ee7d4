"""Chapter 4: where PI is stored, how long it is kept and how it is protected."""

from __future__ import annotations

from yinsi.core.policy import labels
from yinsi.core.policy.render.builder import (
    Builder,
    Draft,
    bullets,
    para,
    runs,
)
from yinsi.core.policy.render.chapters.collection import retention_text
from yinsi.core.policy.render.document import (
    Block,
    Run,
)
from yinsi.core.policy.vocabulary import (
    CertificationKind,
)


def storage(bld: Builder) -> tuple[list[Block], list[Draft]]:
    spec, storage = bld.spec, bld.spec.storage
    children: list[Draft] = []

    location: list[Block] = [
        para(bld.sentences([bld.stored_in(), bld.prose(storage.region_note) if storage.region_note else ""]))
    ]
    location.append(para(bld.t(labels.STORAGE_SEE_CROSS_BORDER), bld.ref("cross-border"), bld.t(labels.SENTENCE_END)))
    children.append(Draft("location", labels.SUB_LOCATION, location))

    retention: list[Block] = [para(bld.t(labels.RETENTION_INTRO))]
    retention.append(
        bullets(
            [
                runs(
                    Run(bld.label(p.label), strong=True),
                    bld.t(labels.COLON),
                    bld.sentence(retention_text(bld, p.retention)),
                )
                for p in spec.purposes.values()
            ]
        )
    )
    logs = spec.access_logs
    lines = []
    if logs is not None:
        if not logs.kept:
            lines.append(bld.t(labels.ACCESS_LOGS_NOT_KEPT))
        elif "retention" in logs.model_fields_set:
            lines.append(bld.t(labels.ACCESS_LOGS, period=bld.dur(logs.retention)))
        else:  # the run-time default (six months) is no promise the policy made
            lines.append(bld.t(labels.ACCESS_LOGS_PERIOD_UNSTATED))
    if any(p.retention.stated for p in spec.purposes.values()):  # no promise about periods nobody stated
        lines.append(bld.t(labels.RETENTION_EXPIRY))
    if storage.backup_deletion is not None:
        lines.append(bld.prose(storage.backup_deletion))
    retention.append(para(bld.sentences(lines)))
    children.append(Draft("retention", labels.SUB_RETENTION, retention))

    security: list[Block]
    if storage.security_measures:
        security = [
            para(bld.t(labels.SECURITY_INTRO)),
            bullets([bld.sentence(bld.enum(m)) for m in storage.security_measures]),
        ]
    else:
        security = [para(bld.t(labels.SECURITY_NONE))]
    if storage.certifications:
        items = []
        for cert in storage.certifications:
            name = bld.label(cert.label) if cert.label is not None else bld.enum(cert.kind)
            if cert.kind is CertificationKind.MLPS and cert.level is not None:
                name += bld.paren(bld.t(labels.MLPS_LEVEL, level=str(cert.level)))
            items.append(name)
        security.append(para(bld.t(labels.CERTIFICATIONS, items=bld.join(items))))
    assessment = spec.impact_assessment
    assessed = []
    if assessment.last_assessed is not None:
        assessed.append(bld.t(labels.IMPACT_ASSESSED, date=labels.date_text(assessment.last_assessed, bld.lang)))
    if assessment.note is not None:
        assessed.append(bld.prose(assessment.note))
    if assessed:
        security.append(para(bld.sentences(assessed)))
    children.append(Draft("security", labels.SUB_SECURITY, security))

    incidents = spec.incidents
    incident_blocks: list[Block] = []
    if incidents.notice_contents:
        incident_blocks.append(para(bld.t(labels.INCIDENT_CONTENTS)))
        incident_blocks.append(bld.enumerated([bld.enum(c) for c in incidents.notice_contents]))
    else:
        incident_blocks.append(para(bld.t(labels.INCIDENT_PLAIN)))
    lines = []
    if incidents.channels:
        lines.append(
            bld.t(labels.INCIDENT_CHANNELS, channels=bld.join([bld.enum(c) for c in incidents.channels], "or"))
        )
    else:
        lines.append(bld.t(labels.INCIDENT_NO_CHANNELS))
    if incidents.public_announcement_fallback is True:
        lines.append(bld.t(labels.INCIDENT_FALLBACK))
    if incidents.report_to_regulators is True:
        lines.append(bld.t(labels.INCIDENT_REGULATORS))
    incident_blocks.append(para(bld.sentences(lines)))
    children.append(Draft("incidents", labels.SUB_INCIDENTS, incident_blocks))

    shutdown = spec.shutdown
    channels = bld.join([bld.enum(c) for c in shutdown.channels], "or")
    lines = [bld.t(labels.SHUTDOWN_STOP)] if shutdown.stop_collection is True else []
    if shutdown.notice is not None and shutdown.channels:
        lines.append(bld.t(labels.SHUTDOWN_NOTICE, period=bld.dur(shutdown.notice), channels=channels))
    elif shutdown.notice is not None:
        lines.append(bld.t(labels.SHUTDOWN_NOTICE_ONLY, period=bld.dur(shutdown.notice)))
    elif shutdown.channels:
        lines.append(bld.t(labels.SHUTDOWN_CHANNELS_ONLY, channels=channels))
    else:
        lines.append(bld.t(labels.SHUTDOWN_NO_NOTICE))
    if shutdown.after is not None:
        lines.append(bld.t(labels.SHUTDOWN_AFTER, dispose=bld.t(labels.DISPOSE[shutdown.after])))
    else:
        lines.append(bld.t(labels.SHUTDOWN_AFTER_UNSTATED))
    children.append(Draft("shutdown", labels.SUB_SHUTDOWN, [para(bld.sentences(lines))]))
    return [], children
