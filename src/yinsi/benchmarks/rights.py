"""``yinsi bench rights``: access requests answered in full, and self-service cancellations carried to the
shredded end, on the default SQLite store holding a few thousand registered people.

Every request goes through the whole workflow a person's request does: the
request row and its history, the audit events, the due date from the spec in
working days, the answer (every value decrypted, masked, with purposes, legal
bases, retention and recipients) or, for cancellations, sessions revoked,
recipients told to delete, the account closed and the key destroyed. The
figures are medians per request and the sustained rate over the whole run.

For scale: the best-known open-source peer takes 0.6 to 1.9 s per access or
erasure request and handles about one or two requests a second under load.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from yinsi.adapters.db.rows import AccountRow, table_of
from yinsi.benchmarks.export import bench_export
from yinsi.bootstrap import Yinsi, open_yinsi
from yinsi.config import Settings
from yinsi.core.policy.compiled import CompiledPolicy
from yinsi.core.policy.load import load_policy_text
from yinsi.core.requests import RequestType
from yinsi.services.consent import Action, ConsentAct, Kind
from yinsi.services.rights import Filing
from yinsi.services.vault import Actor

BENCH_SPEC = """
spec_version: 1
policy: {id: bench-rights, version: "1", title: {zh-CN: 权利请求基准, en: Rights benchmark}}
operator: {name: {zh-CN: 基准, en: Bench}}
contact: {channels: [{kind: phone, value: "4000000000", uses: [general, rights, complaints]}]}
storage: {region: CN, cross_border: {rule: prohibited}}
fields:
  mobile: {type: mobile, label: {zh-CN: 手机号, en: Mobile}, category: online_identity, lookup: true}
  name: {type: name, label: {zh-CN: 姓名, en: Name}, category: basic}
  email: {type: email, label: {zh-CN: 邮箱, en: E-mail}, category: online_identity}
  id_number: {type: id_number, label: {zh-CN: 身份证号, en: ID}, category: identity, sensitivity: sensitive}
  address: {type: address, label: {zh-CN: 地址, en: Address}, category: basic}
purposes:
  account:
    label: {zh-CN: 账号, en: Account}
    function: basic
    legal_basis: contract
    fields: [mobile, name, email, id_number, address]
    retention: {until: account_cancellation}
recipients:
  sms:
    kind: processor
    name: {zh-CN: 短信服务商, en: SMS provider}
    purposes: [account]
    fields: [mobile]
    agreement: true
    deletion_channel: https://sms.example/delete
roles:
  app:
    label: {zh-CN: 应用, en: App}
    purposes: [account]
    fields: {mobile: masked, name: whole}
    operations: [read, write, lookup]
rights:
  access: {self_service: true}
  cancel_account: {self_service: true}
requests: {deadline: 15 working days}
"""

SYSTEM = Actor("system", "system")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@dataclass
class RightsBenchReport:
    subjects: int
    access_ms: float
    cancel_ms: float
    requests_per_s: float
    accesses: int
    cancellations: int

    def last_line(self) -> str:
        return f"access_ms={self.access_ms:.2f} cancel_ms={self.cancel_ms:.2f} requests_per_s={self.requests_per_s:.0f}"


def run_rights_bench(
    *,
    subjects: int = 3000,
    accesses: int = 1000,
    cancellations: int = 500,
    work_dir: Path | None = None,
    echo: Callable[..., Any] = print,
) -> RightsBenchReport:
    loaded = load_policy_text(BENCH_SPEC, "bench-rights")
    assert loaded.spec is not None  # noqa: S101 - the built-in spec is checked by the tests
    with tempfile.TemporaryDirectory(dir=work_dir, prefix="yinsi-bench-") as tmp:
        yinsi = open_yinsi(Settings(data_dir=Path(tmp)), policy=CompiledPolicy.from_spec(loaded.spec))
        try:
            return _run(yinsi, subjects, min(accesses, subjects), min(cancellations, subjects // 2), echo)
        finally:
            yinsi.close()


def _populate(yinsi: Yinsi, count: int, echo: Callable[..., Any]) -> list[str]:
    rng = random.Random(1122)  # noqa: S311 - reproducible test data, not a secret
    policy = yinsi.policy.current()
    people = []
    accounts = table_of(AccountRow)
    acceptance = ConsentAct(Kind.POLICY, "current", Action.GRANT, "app", "0" * 64, "zh-CN", affirmative=True)
    for i in range(count):
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(14000))
        body = f"310104{born:%Y%m%d}{i % 1000:03d}"
        check = "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]
        with yinsi.vault.unit() as uow:
            subject = yinsi.vault.create_subject_as_system(actor=SYSTEM, uow=uow)
            yinsi.vault.write_as_system(
                actor=SYSTEM,
                subject_id=subject,
                purpose="account",
                source="bench",
                uow=uow,
                values={
                    "mobile": f"13{i:09d}",
                    "name": "李" + chr(0x4E00 + rng.randrange(20000)),
                    "email": f"user{i}@example.com",
                    "id_number": body + check,
                    "address": f"上海市徐汇区某路{rng.randrange(1, 999)}号",
                },
            )
            uow.connection.execute(insert(accounts).values(subject_id=subject, status="active", created_at=yinsi.now()))
            yinsi.services.ledger.record_in(
                uow, subject_id=subject, act=acceptance, actor=f"subject:{subject}", policy=policy
            )
        people.append(subject)
    echo(f"  registered {count:,} people with five fields each")
    return people


def _run(yinsi: Yinsi, count: int, accesses: int, cancellations: int, echo: Callable[..., Any]) -> RightsBenchReport:
    echo(f"rights bench on {yinsi.engine.dialect.name}: {count:,} people")
    people = _populate(yinsi, count, echo)
    rng = random.Random(2211)  # noqa: S311 - reproducible order, not a secret
    order = people[:]
    rng.shuffle(order)
    to_cancel = order[:cancellations]
    to_access = order[cancellations : cancellations + accesses] or order[:accesses]
    access_times: list[float] = []
    cancel_times: list[float] = []
    rights = yinsi.rights
    started = time.perf_counter()
    # Interleave the two kinds, as real traffic would be.
    for i in range(max(len(to_access), len(to_cancel))):
        if i < len(to_access):
            t0 = time.perf_counter()
            view = rights.file(subject=to_access[i], kind=RequestType.ACCESS, filing=Filing(), by=to_access[i])
            access_times.append((time.perf_counter() - t0) * 1000)
            if view.answer is None or len(view.answer["fields"]) != 5:
                raise RuntimeError("an access request did not return a complete answer")
        if i < len(to_cancel):
            t0 = time.perf_counter()
            view = rights.file(subject=to_cancel[i], kind=RequestType.CANCEL_ACCOUNT, filing=Filing(), by=to_cancel[i])
            cancel_times.append((time.perf_counter() - t0) * 1000)
            if view.state.value != "completed":
                raise RuntimeError("a self-service cancellation did not complete")
    elapsed = time.perf_counter() - started
    total = len(access_times) + len(cancel_times)
    report = RightsBenchReport(
        count,
        statistics.median(access_times),
        statistics.median(cancel_times),
        total / elapsed,
        len(access_times),
        len(cancel_times),
    )
    echo(
        f"  access: {len(access_times):,} requests, median {report.access_ms:.2f} ms, "
        f"p95 {statistics.quantiles(access_times, n=20)[-1]:.2f} ms"
    )
    echo(
        f"  cancel: {len(cancel_times):,} requests, median {report.cancel_ms:.2f} ms, "
        f"p95 {statistics.quantiles(cancel_times, n=20)[-1]:.2f} ms"
    )
    echo(f"  sustained: {report.requests_per_s:,.0f} requests/s over {total:,} requests")
    seconds = min(bench_export(10_000) for _ in range(3))
    echo(f"  copy: the export of one person holding 10,000 values builds in {seconds:.2f} s")
    return report
