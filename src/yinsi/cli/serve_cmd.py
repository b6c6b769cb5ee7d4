"""``yinsi serve``: the HTTP API and the rendered policy, on an embedded SQLite store by default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from yinsi.cli.context import out, state


def serve(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the SQLite files and key file live.")
    ] = None,
    policy: Annotated[Path | None, typer.Option("--policy", help="The policy spec to load.")] = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on (default YINSI_HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default YINSI_PORT or 8000).")] = None,
) -> None:
    import uvicorn

    from yinsi.adapters.db.store_guard import serving
    from yinsi.api.app import create_app
    from yinsi.bootstrap import open_yinsi

    settings = state(ctx).settings(create_store=True, data_dir=data_dir, policy_path=policy, host=host, port=port)
    host, port = settings.host, settings.port
    # Held (shared) while this process serves: `yinsi restore` is refused meanwhile. Each worker holds its own.
    hold = serving(settings.resolved_database_url)
    hold.__enter__()
    yinsi = open_yinsi(settings)
    compiled = yinsi.policy.current()
    base = f"http://{host}:{port}"
    out.print(
        "\n".join(
            [
                f"yinsi is serving the policy '{compiled.spec.policy.title.get('zh-CN')}' (version {compiled.version})",
                f"  data store:      {yinsi.engine.url.render_as_string(hide_password=True)}",
                f"  master key:      {yinsi.keyring.provider.describe()}",
                f"  privacy policy:  {base}/policy   (English: {base}/policy?lang=en, 繁體: {base}/policy?lang=zh-TW)",
                f"  API docs:        {base}/docs",
                f"  health:          {base}/health",
            ]
        ),
        markup=False,
    )
    try:
        # uvicorn's access log writes each client's address, which is PI: yinsi logs requests itself, without it.
        uvicorn.run(create_app(yinsi), host=host, port=port, log_level=settings.log_level.lower(), access_log=False)
    finally:
        yinsi.close()
        hold.__exit__(None, None, None)
