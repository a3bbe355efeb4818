from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from api.principal import SCOPES
from api.validation import Text

Scope = Literal["errors:read", "errors:write", "exports:read", "catalog:write", "strategies:write"]
Role = Literal["admin", "operator", "viewer"]
assert set(Scope.__args__) == set(SCOPES)  # type: ignore[attr-defined]


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: EmailStr
    password: str = Field(min_length=1, max_length=1024)


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime


class MeOut(BaseModel):
    kind: Literal["user", "api_key"]
    id: uuid.UUID
    tenant_id: uuid.UUID
    tenant_name: str
    email: str | None = None
    display_name: str | None = None
    role: Role | None = None
    scopes: list[Scope]


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Text = Field(min_length=1, max_length=200)
    scopes: list[Scope] = Field(min_length=1)


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[Scope]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    secret: str = Field(description="The full key. Shown once; only its hash is stored.")


class ApiKeyList(BaseModel):
    items: list[ApiKeyOut]
    next_cursor: str | None = None


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    email: str | None = Field(description="Shown to admins only; null for everyone else")
    display_name: str
    role: Role


class UserList(BaseModel):
    items: list[UserOut]
    next_cursor: str | None = None
