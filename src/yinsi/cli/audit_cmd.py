"""``yinsi audit``: verify the chain, anchor its head in the keystore."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from yinsi.cli.context import default_lang, err, out, state

if TYPE_CHECKING:
    from yinsi.services.audit import VerifyResult

app = typer.Typer(no_args_is_help=True)

PROBLEMS = {
    "altered": ("事件内容或其校验值被修改", "the event or its MAC was changed"),
    "broken_link": (
        "事件与前一事件的链接断开（前面的事件被删除、插入或调换）",
        "the link to the previous event is broken (an event before it was deleted, inserted or moved)",
    ),
    "missing": ("此前的事件缺失（被删除）", "the event before it is missing (deleted)"),
    "out_of_order": ("事件位置重复或顺序错乱", "positions in the chain repeat or are out of order"),
    "truncated": ("链尾的事件被删除", "events at the end of the chain were deleted"),
}


def where(result: VerifyResult, zh: bool) -> str:
    """Where it broke: the event's number when there is an event, always the chain and the position in it."""
    if result.first_bad_seq is None:
        return (
            f"第 {result.chain} 条链的第 {result.link} 个位置"
            if zh
            else f"chain {result.chain}, position {result.link}"
        )
    return (
        f"第 {result.first_bad_seq} 号事件（第 {result.chain} 条链的第 {result.link} 个位置）"
        if zh
        else f"event {result.first_bad_seq} (chain {result.chain}, position {result.link})"
    )


@app.command("verify")
def verify(ctx: typer.Context) -> None:
    """Walk the chain: exit 0 when intact; otherwise exit 1 and name the first broken event."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        result = yinsi.audit.verify(yinsi.engine)
    zh = default_lang() == "zh-CN"
    if result.ok:
        out.print(
            f"审计链完整：已核验 {result.checked} 个事件" if zh else f"audit chain intact: {result.checked} events",
            markup=False,
        )
        raise typer.Exit(0)
    zh_text, en_text = PROBLEMS.get(result.problem or "", ("未知问题", "unknown problem"))
    err.print(
        f"审计链在{where(result, zh)}处断开：{zh_text}"
        if zh
        else f"audit chain broken at {where(result, zh)}: {en_text}",
        markup=False,
    )
    raise typer.Exit(1)


@app.command("anchor")
def anchor(ctx: typer.Context) -> None:
    """Copy the chain's head to the keystore, so deleting the newest events is detected later."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        result = yinsi.audit.verify(yinsi.engine)
        if not result.ok:
            err.print(f"not anchoring: the chain is broken at {where(result, False)}", markup=False)
            raise typer.Exit(1)
        count = yinsi.audit.anchor(yinsi.engine, yinsi.now())
    out.print(f"anchored the heads of the audit chains ({count} events)", markup=False)
