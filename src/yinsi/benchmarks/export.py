"""How long building one person's copy takes, for ``yinsi bench rights``."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from yinsi.core.export import ExportBundle, ExportValue, build_export
from yinsi.core.policy.model import PolicySpec


def bench_export(n: int) -> float:
    """Seconds to build the export of one person holding ``n`` values (a small built-in policy, fixed data)."""
    spec = PolicySpec.model_validate(BENCH_SPEC)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    fields = list(spec.fields)
    values = [
        ExportValue(
            field=fields[i % len(fields)],
            value=f"值 {i:08d} value",
            collected_at=start + timedelta(seconds=i),
            source="user",
            purposes=["service"],
            retain_until=None,
        )
        for i in range(n)
    ]
    bundle = ExportBundle("bench-subject", start, spec.policy.version, spec, values)
    began = time.perf_counter()
    build_export(bundle)
    return time.perf_counter() - began


BENCH_SPEC: dict[str, Any] = {
    "policy": {"id": "bench", "version": "1", "title": {"zh-CN": "基准测试", "en": "Benchmark"}},
    "operator": {},
    "contact": {},
    "storage": {"region": "CN", "cross_border": {"rule": "prohibited"}},
    "fields": {
        "mobile": {
            "type": "mobile",
            "label": {"zh-CN": "手机号码", "en": "Mobile number"},
            "category": "online_identity",
        },
        "name": {"type": "name", "label": {"zh-CN": "姓名", "en": "Name"}, "category": "basic"},
        "interests": {
            "type": "free_text",
            "label": {"zh-CN": "兴趣标签", "en": "Interest tags"},
            "category": "other",
            "derived": True,
            "sources": ["generated"],
        },
    },
    "purposes": {
        "service": {
            "label": {"zh-CN": "服务", "en": "Service"},
            "function": "basic",
            "legal_basis": "contract",
            "fields": ["mobile", "name", "interests"],
            "retention": {"until": "account_cancellation"},
        }
    },
}
