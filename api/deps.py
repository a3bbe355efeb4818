"""Request dependencies: the session (one transaction per request), the principal, and permission checks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from api import problems
from api.auth import service as auth_service
from api.config import Settings
from api.principal import Principal

SESSION_COOKIE = "openclaw_session"

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
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_scope(scope: str) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    async def check(principal: PrincipalDep) -> Principal:
        if scope not in principal.scopes:
            raise problems.Forbidden(f"this needs the scope {scope}")
        return principal

    return check


ErrorsRead = Annotated[Principal, Depends(require_scope("errors:read"))]
ErrorsWrite = Annotated[Principal, Depends(require_scope("errors:write"))]
ExportsRead = Annotated[Principal, Depends(require_scope("exports:read"))]
CatalogWrite = Annotated[Principal, Depends(require_scope("catalog:write"))]
StrategiesWrite = Annotated[Principal, Depends(require_scope("strategies:write"))]


def _require_admin() -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    async def check(principal: PrincipalDep) -> Principal:
        if not principal.is_admin:
            raise problems.Forbidden("this needs the admin role")
        return principal

    return check


AdminDep = Annotated[Principal, Depends(_require_admin())]


def request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)
