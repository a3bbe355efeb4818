"""Request dependencies: the session (one transaction per request), the principal, and permission checks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

import structlog
from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems, queue
from api.auth import service as auth_service
from api.config import Settings
from api.principal import Principal

SESSION_COOKIE = "openclaw_session"
log = structlog.get_logger("openclaw.deps")

_bearer = HTTPBearer(auto_error=False, description="A session token from /v1/auth/login, or an API key")
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An API key")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's transaction: committed when the route succeeds, rolled back when it raises."""
    async with request.app.state.sessionmaker() as session:
        try:
            yield session
        except problems.DomainError as exc:
            if exc.keep_writes:
                await session.commit()
            else:
                await session.rollback()
            raise
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()
            await _send_enqueued(request, session)


async def _send_enqueued(request: Request, session: AsyncSession) -> None:
    """After the commit, the jobs the request enqueued go to Redis; if Redis fails now, the outbox cron re-sends
    them (the request's data and its outbox rows are committed either way)."""
    if not queue.pending_jobs(session):
        return
    try:
        await queue.send_pending(session, request.app.state.redis)
    except Exception:
        log.warning("outbox.send_failed", exc_info=True)


# scope="function": commit before the response is sent, so a 2xx always means the data is stored.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_principal(
    request: Request,
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key_header)],
) -> Principal:
    credential = api_key or (bearer.credentials if bearer else None) or request.cookies.get(SESSION_COOKIE)
    principal = None
    if credential and credential.startswith(auth_service.API_KEY_PREFIX):
        principal = await auth_service.principal_from_api_key(session, credential)
    elif credential and credential.startswith(auth_service.SESSION_PREFIX):
        principal = await auth_service.principal_from_session_token(session, credential)
    if principal is None:
        raise problems.Unauthorized(
            "sign in, or send an API key as 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    request.state.principal = principal
    structlog.contextvars.bind_contextvars(tenant_id=str(principal.tenant_id))
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_scope(scope: str, *or_scopes: str) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    """Any one of the scopes lets the request through."""
    accepted = (scope, *or_scopes)

    async def check(principal: PrincipalDep) -> Principal:
        if not any(s in principal.scopes for s in accepted):
            raise problems.Forbidden(f"this needs the scope {' or '.join(accepted)}")
        return principal

    return check


ErrorsRead = Annotated[Principal, Depends(require_scope("errors:read"))]
ErrorsWrite = Annotated[Principal, Depends(require_scope("errors:write"))]
ExportsRead = Annotated[Principal, Depends(require_scope("exports:read"))]
CatalogWrite = Annotated[Principal, Depends(require_scope("catalog:write"))]
StrategiesWrite = Annotated[Principal, Depends(require_scope("strategies:write"))]
# Everyone who reads the board reads the strategies behind it; a key that writes them reads them too.
StrategiesRead = Annotated[Principal, Depends(require_scope("errors:read", "strategies:write"))]


def _require_admin() -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    async def check(principal: PrincipalDep) -> Principal:
        if not principal.is_admin:
            raise problems.Forbidden("this needs the admin role")
        return principal

    return check


AdminDep = Annotated[Principal, Depends(_require_admin())]


def request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def _declared_query_names(app: Any) -> dict[tuple[str, str], frozenset[str]]:
    """(method, path template) -> the query parameters the spec declares for it; read once from app.openapi()."""
    names: dict[tuple[str, str], frozenset[str]] | None = getattr(app.state, "query_names", None)
    if names is None:
        names = {
            (method.upper(), path): frozenset(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
            for path, operations in app.openapi().get("paths", {}).items()
            for method, operation in operations.items()
        }
        app.state.query_names = names
    return names


async def reject_unknown_query(request: Request) -> None:
    """A query parameter the route does not take is a 422, not silently ignored: a CI script whose filter has a
    typo (`?shopid=`) would otherwise get every row back and never know."""
    if not request.query_params:
        return
    path = getattr(request.scope.get("route"), "path_format", "")
    known = _declared_query_names(request.app).get((request.method, path)) if path.startswith("/v1/") else None
    if known is None:
        return
    unknown = sorted(set(request.query_params.keys()) - known)
    if unknown:
        raise problems.Invalid(
            f"unknown query parameter(s) {', '.join(unknown)[:200]}; this route takes {', '.join(sorted(known)) or 'none'}",
            invalid_params=[
                {"name": f"query.{n}"[:200], "reason": "not a parameter of this route", "type": "extra_forbidden"}
                for n in unknown[:20]
            ],
        )
