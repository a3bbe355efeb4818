from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

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
from api.auth.throttle import LoginThrottle
from api.deps import SESSION_COOKIE, AdminDep, PrincipalDep, SessionDep, SettingsDep
from api.problems import PROBLEM_JSON, PROBLEM_RESPONSES, Problem, problem_answer

router = APIRouter(prefix="/v1", tags=["auth"], responses=PROBLEM_RESPONSES)


@router.post(
    "/auth/login",
    response_model=TokenOut,
    operation_id="auth-login",
    responses={
        429: {
            "model": Problem,
            "content": {PROBLEM_JSON: {}},
            "description": "Too many failed logins from this address or for this account; see Retry-After",
        }
    },
)
async def login(
    body: LoginIn, request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> TokenOut:
    """Sign in with email and password: returns a bearer token and sets the SPA's HTTP-only session cookie."""
    throttle = LoginThrottle(
        request.app.state.redis,
        window_seconds=settings.login_window_seconds,
        max_failures=settings.login_address_max_failures,
    )
    client_host = request.client.host if request.client else None
    _, token, expires_at = await service.login(session, settings, throttle, client_host, body.email, body.password)
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


@router.delete(
    "/api-keys/{key_id}",
    status_code=204,
    operation_id="api-keys-delete",
    responses=problem_answer(404, "No such API key in this tenant"),
)
async def delete_api_key(key_id: uuid.UUID, principal: AdminDep, session: SessionDep) -> None:
    await service.revoke_api_key(session, principal, key_id)


@router.get("/users", response_model=UserList, operation_id="users-list")
async def list_users(principal: PrincipalDep, session: SessionDep) -> UserList:
    """The tenant's active users (for assigning error groups). Admins see emails; everyone else, and every API
    key, sees names and roles only."""
    users = [UserOut.model_validate(u) for u in await service.list_users(session, principal)]
    if not principal.is_admin:
        users = [user.model_copy(update={"email": None}) for user in users]
    return UserList(items=users)
