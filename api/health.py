from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

router = APIRouter(tags=["health"])


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
    """PostgreSQL and Redis are reachable."""
    checks: dict[str, str] = {}
    try:
        async with request.app.state.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        checks["postgres"] = "ok"
    except Exception as exc:
        checks["postgres"] = f"unreachable: {type(exc).__name__}"
    try:
        await request.app.state.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"unreachable: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    body = HealthOut(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
