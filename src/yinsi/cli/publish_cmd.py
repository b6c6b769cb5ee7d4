"""``yinsi policy publish`` and ``yinsi policy versions``: the versions in force, kept in the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yinsi.cli.context import default_lang, err, out, state


def publish(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The spec to put in force.", show_default=False)],
) -> None:
    """Put a spec in force. A material change makes everyone accept it again before consent-based processing."""
    from rich.progress import Progress

    from yinsi.bootstrap import open_yinsi

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err.print(f"{file}: cannot read it ({type(exc).__name__})", markup=False)
        raise typer.Exit(1) from None
    with open_yinsi(state(ctx).settings()) as yinsi:
        done = yinsi.admin.publish_policy(text=text, name=str(file))
        delivered = None
        if done.announcement_id is not None:
            with Progress(transient=True, console=err) as progress:
                task = progress.add_task("announcing", total=None)
                delivered = yinsi.admin.announce(done.announcement_id, progress=lambda n: progress.advance(task, n))
    zh = default_lang() == "zh-CN"
    if done.unchanged:
        out.print(
            f"版本 {done.version} 已在生效，内容相同，未发布新版本"
            if zh
            else f"version {done.version} is already in force with the same content; nothing published",
            markup=False,
        )
        return
    if done.diff is None:
        out.print(
            f"已发布首个版本 {done.version}" if zh else f"published the first version, {done.version}", markup=False
        )
        return
    for change in done.diff.changes:
        tag = f"material:{change.kind.value}" if change.kind is not None else "minor"
        out.print(f"[{tag}] {change.summary.get(default_lang())}", markup=False)
    if delivered is not None:
        out.print(f"已向个人发送 {delivered} 条通知" if zh else f"sent {delivered} notice(s) to people", markup=False)
    if done.material:
        kinds = ", ".join(k.value for k in done.diff.material_kinds)
        out.print(
            f"已发布 {done.version}：重大变更（{kinds}）。每个人重新同意后，基于同意的处理才会恢复；已通过政策指定的渠道公告。"
            if zh
            else f"published {done.version}: material change ({kinds}). Consent-based processing waits until each person "
            "accepts it; the change was announced through the policy's channels.",
            markup=False,
        )
    else:
        out.print(
            f"已发布 {done.version}：一般变更，已公告。"
            if zh
            else f"published {done.version}: minor change, announced.",
            markup=False,
        )


def versions(ctx: typer.Context) -> None:
    """List the published versions, the one in force last."""
    from yinsi.bootstrap import open_yinsi

    with open_yinsi(state(ctx).settings(), migrate=False) as yinsi:
        rows = yinsi.admin.policy_history()
    for index, row in enumerate(rows):
        kinds = ",".join(row["material_kinds"]) if row["material_kinds"] else ""  # type: ignore[arg-type]
        # The first version changed nothing: it is neither minor nor material, it is what the others differ from.
        kind = "initial" if index == 0 else f"material ({kinds})" if row["material"] else "minor"
        out.print(
            f"{row['id']:>4}  {row['version']:<20} {row['published_at']:%Y-%m-%d %H:%M} UTC  {kind}", markup=False
        )
