"""``yinsi outbox --to PHONE --json``: a script finds the code sent to one number without parsing text."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Backend
from tests.functional.test_cli_operations import CLINIC, Cli, env_of, opened
from tests.support.accounts import last_code
from yinsi.core.policy.compiled import CompiledPolicy

ONE, OTHER = "13912345678", "13800138000"


@pytest.mark.slow
def test_the_outbox_filters_by_recipient_and_prints_json(backend: Backend, clinic_policy: CompiledPolicy) -> None:
    cli = Cli(env_of(backend))
    cli.ok("policy", "publish", CLINIC)
    assert json.loads(cli.ok("outbox", "--json").stdout) == {"messages": []}
    with opened(backend, clinic_policy) as yinsi:
        yinsi.accounts.request_code(phone=ONE, client="198.51.100.7")
        code_one = last_code(yinsi)
        yinsi.accounts.request_code(phone=OTHER, client="198.51.100.8")
        code_other = last_code(yinsi)

    # Any spelling of the number finds it; the newest message first, with the code picked out.
    document = json.loads(cli.ok("outbox", "--to", "+86 139 1234 5678", "--json").stdout)
    [message] = document["messages"]
    assert (message["channel"], message["to"], message["kind"]) == ("sms", ONE, "login_code")
    assert message["code"] == code_one
    assert code_one in message["body"]
    assert set(message) == {"at", "channel", "to", "kind", "subject", "body", "code", "tags", "reference"}

    # --limit counts the messages to that recipient, however many others are newer.
    assert len(json.loads(cli.ok("outbox", "--json", "--limit", "5").stdout)["messages"]) == 2
    assert json.loads(cli.ok("outbox", "--to", ONE, "--json", "--limit", "1").stdout)["messages"][0]["to"] == ONE

    text = cli.ok("outbox", "--to", "138-0013-8000").stdout
    assert f"验证码是 {code_other}" in text
    assert ONE not in text
    assert cli.ok("outbox", "--to", "13700000000").stdout.strip() == "(empty)"
    assert json.loads(cli.ok("outbox", "--to", OTHER, "--channel", "email", "--json").stdout) == {"messages": []}
