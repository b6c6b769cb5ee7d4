"""``yinsi serve``: the HTTP API and the rendered policy, on an embedded SQLite store by default."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from yinsi.cli.context import out, state

if TYPE_CHECKING:
    from yinsi.config import Settings


def serve(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where the SQLite files and key file live.")
    ] = None,
    policy: Annotated[Path | None, typer.Option("--policy", help="The policy spec to load.")] = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on (default YINSI_HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default YINSI_PORT or 8000).")] = None,
    workers: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="Server processes sharing the port (on SQLite and PostgreSQL); each has its own pool."
        ),
    ] = 1,
    threads: Annotated[
        int | None,
        typer.Option(
            min=1, max=512, help="Request threads per process (default YINSI_THREADS or 40); the pool holds 4 more."
        ),
    ] = None,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo", help="Also serve the demo booking service at /demo, with a demo person (what make run does)."
        ),
    ] = False,
) -> None:
    from yinsi.bootstrap import serving

    settings = state(ctx).settings(
        create_store=True, data_dir=data_dir, policy_path=policy, host=host, port=port, threads=threads
    )
    if demo:
        settings = settings.model_copy(update={"demo": True})
    # Held (shared) while this process serves, and by each worker too: `yinsi restore` is refused meanwhile.
    with serving(settings):
        _serve(settings, workers)


def _serve(settings: Settings, workers: int) -> None:
    import uvicorn

    from yinsi.bootstrap import open_yinsi

    # Migrate, publish the first policy and replay shreds once, here; then every worker opens the store as is.
    with open_yinsi(settings) as yinsi:
        compiled = yinsi.policy.current()
        store = yinsi.engine.url.render_as_string(hide_password=True)
        key = yinsi.keyring.provider.describe()
        officer = None
        if settings.demo:
            from yinsi.web import demo

            demo.seed(yinsi)
            officer = demo.seed_officer(yinsi)
    base = f"http://{settings.host}:{settings.port}"
    out.print(
        "\n".join(
            [
                f"yinsi is serving the policy '{compiled.spec.policy.title.get('zh-CN')}' (version {compiled.version})",
                f"  data store:      {store}",
                f"  master key:      {key}",
                f"  workers:         {workers} × {settings.threads} threads",
                f"  privacy policy:  {base}/policy   (English: {base}/policy?lang=en, 繁體: {base}/policy?lang=zh-TW)",
                f"  API docs:        {base}/docs",
                f"  health:          {base}/health",
                f"  events:          {_events_line(settings)}",
                f"  privacy centre:  {base}/me   (我的 → 隐私)",
                f"  console:         {base}/console   (个人信息保护工作台, for staff)",
                *(_demo_lines(settings, base, officer) if settings.demo else []),
            ]
        ),
        markup=False,
    )
    os.environ.update(_as_environment(settings))
    # uvicorn's access log writes each client's address, which is PI: yinsi logs requests itself, without it.
    uvicorn.run(
        "yinsi.api.app:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level=settings.log_level.lower(),
        access_log=False,
    )


def _events_line(settings: Settings) -> str:
    """Where events go, by host only (the URL may carry a token; the secret is never shown)."""
    if settings.events_url is None:
        return "waiting: no endpoint (YINSI_EVENTS_URL)"
    import httpx

    return f"to {httpx.URL(settings.events_url).host}, every {settings.events_interval_seconds:g} s"


def _demo_lines(settings: Settings, base: str, officer: tuple[str, str] | None) -> list[str]:
    from yinsi.web import demo

    data_dir = f" --data-dir {settings.data_dir}" if settings.database_url is None else ""  # a global option
    return [
        f"  demo booking:    {base}/demo   (books with real name and ID number through the vault)",
        f"  demo phone:      {demo.DEMO_PHONE}   (log in at {base}/me/login with an SMS code)",
        f"  SMS codes:       .venv/bin/yinsi{data_dir} outbox --to {demo.DEMO_PHONE}   (the console outbox; another terminal)",
        *(
            [
                f"  demo officer:    {demo.DEMO_OFFICER}, password {officer[0]}   (log in at {base}/console; new at each start)",
                f"  officer's TOTP:  secret {officer[1]}   (enrol it in an authenticator app, or: .venv/bin/python -c "
                f"\"import pyotp; print(pyotp.TOTP('{officer[1]}').now())\")",
            ]
            if officer
            else []
        ),
    ]


def _as_environment(settings: Settings) -> dict[str, str]:
    """The settings as YINSI_* variables, for the workers (the environment, not argv: a URL may hold a password).
    The policy file is left out: it was published above, and a worker follows what is published."""
    values = settings.model_dump(exclude_none=True, exclude={"policy_path"})
    return {
        f"YINSI_{name.upper()}": str(value).lower() if isinstance(value, bool) else str(value)
        for name, value in values.items()
    }
