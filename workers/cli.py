"""The `openclaw` command. Its forms are relied on by scripts and operators: keep them stable."""

from __future__ import annotations

import asyncio
import secrets
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import click
import yaml

from api import problems
from api.config import Settings, get_settings
from api.principal import SCOPES

T = TypeVar("T")


def _run(work: Callable[[Settings], Coroutine[Any, Any, T]]) -> T:
    """Run one unit of work; a domain error becomes one clear line on stderr and exit code 1."""
    settings = get_settings()
    try:
        return asyncio.run(work(settings))
    except problems.DomainError as exc:
        click.echo(f"error: {exc.detail or exc.title_en}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"error: cannot reach the database or Redis: {exc}", err=True)
        sys.exit(1)


async def _in_session(settings: Settings, work: Callable[[Any], Awaitable[T]]) -> T:
    from api.db import create_app_engine, sessionmaker, tenant_session

    # Operator commands (seeding a demo board, ...) may run as long as a job's statements, not a request's.
    engine = create_app_engine(settings, statement_timeout_ms=settings.db_worker_statement_timeout_ms)
    try:
        async with tenant_session(sessionmaker(engine), None) as session:
            return await work(session)
    finally:
        await engine.dispose()


@click.group()
def main() -> None:
    """OpenClaw: the error board for price, stock and listing pushes."""


@main.command()
def migrate() -> None:
    """Create the database if needed and migrate it to the latest schema (also creates the app role)."""
    from api.migrate import migrate as run_migrate

    _run(run_migrate)
    click.echo("database migrated")


@main.command("create-tenant")
@click.argument("name")
def create_tenant(name: str) -> None:
    """Create a tenant (one seller company)."""
    from api.tenants import service

    tenant = _run(lambda s: _in_session(s, lambda session: service.create_tenant(session, name)))
    click.echo(f"tenant {tenant.name} created: {tenant.id}")


@main.command("create-user")
@click.option("--tenant", "tenant_name", required=True)
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "operator", "viewer"]))
def create_user(tenant_name: str, email: str, password: str, role: str) -> None:
    """Create a user in a tenant."""
    from api.auth import service as auth_service
    from api.tenants import service as tenants_service

    async def work(session: Any) -> Any:
        tenant_id = await tenants_service.require_tenant(session, tenant_name)
        return await auth_service.create_user(session, tenant_id, email, password, role)

    user = _run(lambda s: _in_session(s, work))
    click.echo(f"user {user.email} ({user.role}) created in {tenant_name}: {user.id}")


@main.command("create-api-key")
@click.option("--tenant", "tenant_name", required=True)
@click.option("--scopes", required=True, help=f"comma-separated, from: {', '.join(SCOPES)}")
@click.option("--name", required=True)
def create_api_key(tenant_name: str, scopes: str, name: str) -> None:
    """Create an API key; the secret is printed alone on the last line."""
    from api.auth import service as auth_service
    from api.principal import Principal
    from api.tenants import service as tenants_service

    wanted = [s.strip() for s in scopes.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SCOPES]
    if not wanted or unknown:
        click.echo(f"error: unknown scope(s) {', '.join(unknown) or '(none given)'}; use {', '.join(SCOPES)}", err=True)
        sys.exit(1)

    async def work(session: Any) -> Any:
        tenant_id = await tenants_service.require_tenant(session, tenant_name)
        return await auth_service.create_api_key(session, Principal.system(tenant_id), tenant_id, name, wanted)

    api_key, secret = _run(lambda s: _in_session(s, work))
    click.echo(f"API key {api_key.name} ({api_key.prefix}) with scopes {','.join(api_key.scopes)}")
    click.echo(secret)


@main.command()
def openapi() -> None:
    """Print the OpenAPI spec the app serves, as YAML."""
    from api.main import create_app

    spec = create_app(Settings(static_dir="-")).openapi()
    click.echo(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), nl=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the API (and the built SPA) with uvicorn."""
    import uvicorn

    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, proxy_headers=True, access_log=False)


@main.command()
def worker() -> None:
    """Run an arq worker."""
    from arq.worker import run_worker

    from api.logging import configure as configure_logging
    from workers.settings import WorkerSettings

    configure_logging()  # JSON lines, arq's own included, with the job's context (api/logging.py)
    run_worker(WorkerSettings)  # type: ignore[arg-type]


@main.command("seed-demo")
@click.option("--sandbox", "sandbox_url", default="http://127.0.0.1:8100", show_default=True,
              help="the platform sandbox whose shops the demo connects (the one `make run` starts)")  # fmt: skip
@click.option("--password", default=None, help="the demo users' password (default: a new random one)")
@click.option("--wait", "wait_seconds", default=90.0, show_default=True, type=float,
              help="seconds to wait for the workers before starting the flash sale")  # fmt: skip
def seed_demo(sandbox_url: str, password: str | None, wait_seconds: float) -> None:
    """Set up the demo tenant against the sandbox and start its strategies; the workers fill the board."""
    from workers.demo import SandboxUnavailable, seed

    password = password or secrets.token_urlsafe(9)

    async def work(settings: Settings) -> Any:
        try:
            return await seed(settings, sandbox_url=sandbox_url, password=password, wait_seconds=wait_seconds,
                              report=click.echo)  # fmt: skip
        except SandboxUnavailable as exc:
            click.echo(f"error: {exc} (start it with `openclaw sandbox`)", err=True)
            sys.exit(1)

    result = _run(work)
    for email, role in result.users:
        click.echo(f"demo {role}: {email}")
    click.echo(f"demo tenant ready: sign in as {result.admin_email} with password {password}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8100, show_default=True, type=int)
@click.option("--scenario", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path), default=None, help="persist state here")
def sandbox(host: str, port: int, scenario: Path | None, state: Path | None) -> None:
    """Serve the local emulator of the four platforms."""
    from sandbox import serve as serve_sandbox

    serve_sandbox(host, port, str(scenario) if scenario else None, str(state) if state else None)


if __name__ == "__main__":
    main()
