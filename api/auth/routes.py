from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from api.auth import service
from api.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyList,
    ApiKeyOut,
    LoginIn,
    MeOut,
    TokenOut,
    UserList,
    UserOut,
)
from api.deps import SESSION_COOKIE, AdminDep, PrincipalDep, SessionDep, SettingsDep
from api.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1", tags=["auth"], responses=PROBLEM_RESPONSES)


@router.post("/auth/login", response_model=TokenOut, operation_id="auth-login")
async def login(body: LoginIn, response: Response, session: SessionDep, settings: SettingsDep) -> TokenOut:
    """Sign in with email and password: returns a bearer token and sets the SPA's HTTP-only session cookie."""
    _, token, expires_at = await service.login(session, settings, body.email, body.password)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_ttl_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
        path="/",
    )
    return TokenOut(access_token=token, expires_at=expires_at)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, operation_id="auth-logout")
async def logout(principal: PrincipalDep, session: SessionDep, response: Response) -> None:
    await service.logout(session, principal)
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.get("/me", response_model=MeOut, operation_id="me-get")
async def me(principal: PrincipalDep, session: SessionDep) -> MeOut:
    return await service.describe(session, principal)


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=201, operation_id="api-keys-create")
async def create_api_key(body: ApiKeyCreate, principal: AdminDep, session: SessionDep) -> ApiKeyCreated:
    api_key, secret = await service.create_api_key(session, principal, principal.tenant_id, body.name, body.scopes)
    return ApiKeyCreated(**ApiKeyOut.model_validate(api_key).model_dump(), secret=secret)


@router.get("/api-keys", response_model=ApiKeyList, operation_id="api-keys-list")
async def list_api_keys(principal: AdminDep, session: SessionDep) -> ApiKeyList:
    keys = await service.list_api_keys(session, principal)
    return ApiKeyList(items=[ApiKeyOut.model_validate(k) for k in keys])


@router.delete("/api-keys/{key_id}", status_code=204, operation_id="api-keys-delete")
async def delete_api_key(key_id: uuid.UUID, principal: AdminDep, session: SessionDep) -> None:
    await service.revoke_api_key(session, principal, key_id)


@router.get("/users", response_model=UserList, operation_id="users-list")
async def list_users(principal: PrincipalDep, session: SessionDep) -> UserList:
    """The tenant's active users (for assigning error groups); every signed-in user and API key may read it."""
    return UserList(items=[UserOut.model_validate(u) for u in await service.list_users(session, principal)])
