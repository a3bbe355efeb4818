from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.outages import RETRY_AFTER_SECONDS

router = APIRouter(tags=["health"])

# Below the database's connect timeout: a database that accepts and never answers shows as a timeout here.
CHECK_TIMEOUT_SECONDS = 2.0


class HealthOut(BaseModel):
    status: str
    checks: dict[str, str] = {}


@router.get("/healthz", response_model=HealthOut, operation_id="health-live")
async def healthz() -> HealthOut:
    """The process is up."""
    return HealthOut(status="ok")


@router.get(
    "/readyz",
    response_model=HealthOut,
    operation_id="health-ready",
    responses={503: {"model": HealthOut, "description": "PostgreSQL or Redis is unreachable"}},
)
async def readyz(request: Request) -> JSONResponse:
    """PostgreSQL and Redis are reachable. Each is checked on its own, at the same time, within a few seconds, so
    that one that hangs neither delays nor hides the other; a 503 says which failed and how."""
    postgres, redis = await asyncio.gather(
        _check(_ping_postgres(request.app.state.engine)), _check(request.app.state.redis.ping())
    )
    checks = {"postgres": postgres, "redis": redis}
    ready = all(v == "ok" for v in checks.values())
    body = HealthOut(status="ok" if ready else "unavailable", checks=checks)
    headers = None if ready else {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503, headers=headers)


async def _ping_postgres(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _check(probe: Awaitable[Any]) -> str:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await probe
    except TimeoutError:
        return f"timeout: no answer within {CHECK_TIMEOUT_SECONDS:g} s"
    except Exception as exc:
        return f"unreachable: {type(exc).__name__}"
    return "ok"
