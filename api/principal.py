"""Who is calling: a user (session cookie or bearer token) or an API key, always inside one tenant."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

SCOPES = ("errors:read", "errors:write", "exports:read", "catalog:write", "strategies:write")

ROLE_SCOPES: dict[str, frozenset[str]] = {
    "viewer": frozenset({"errors:read", "exports:read"}),
    "operator": frozenset(SCOPES),
    "admin": frozenset(SCOPES),
}


@dataclass(frozen=True, slots=True)
class Principal:
    kind: Literal["user", "api_key", "system"]
    id: uuid.UUID | None
    tenant_id: uuid.UUID
    scopes: frozenset[str]
    role: str | None = None  # users only
    label: str = ""  # email or key name, for the audit log
    session_id: uuid.UUID | None = None

    @property
    def is_admin(self) -> bool:
        return self.kind == "user" and self.role == "admin"

    @property
    def actor(self) -> str:
        """The compact reference stored in handled_by / created_by columns."""
        return f"{self.kind}:{self.id}" if self.id else self.kind

    @classmethod
    def system(cls, tenant_id: uuid.UUID) -> Principal:
        return cls(kind="system", id=None, tenant_id=tenant_id, scopes=frozenset(SCOPES), label="system")
