"""The app factory: routers, middleware, problem+json handlers, and the built SPA at /."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from arq.connections import ArqRedis
from fastapi import Depends, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api import problems
from api.alerts.routes import router as alerts_router
from api.approvals.routes import router as approvals_router
from api.audit.routes import router as audit_router
from api.auth.routes import router as auth_router
from api.config import Settings, get_settings
from api.db import create_app_engine, sessionmaker
from api.deps import reject_unknown_query
from api.errors.routes import router as errors_router
from api.exports.routes import router as exports_router
from api.health import router as health_router
from api.hooks.routes import router as hooks_router
from api.logging import configure as configure_logging
from api.middleware import BodySizeLimit, RequestContext
from api.shops.catalog_routes import router as catalog_router
from api.shops.connection_routes import router as connections_router
from api.shops.oauth_routes import router as oauth_router
from api.shops.platform_routes import router as platforms_router
from api.shops.routes import router as shops_router
from api.stats.routes import router as stats_router
from api.strategies.routes import router as strategies_router
from api.tasks.routes import router as tasks_router
from api.tenants.routes import router as settings_router
from api.traces.routes import router as traces_router

ROUTERS = [
    health_router,
    auth_router,
    shops_router,
    connections_router,
    oauth_router,
    catalog_router,
    platforms_router,
    errors_router,
    traces_router,
    strategies_router,
    tasks_router,
    approvals_router,
    exports_router,
    stats_router,
    audit_router,
    settings_router,
    alerts_router,
    hooks_router,
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = create_app_engine(settings)
        app.state.sessionmaker = sessionmaker(app.state.engine)
        app.state.redis = ArqRedis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=2)
        app.state.redis.default_queue_name = settings.queue_name
        # What exists now (modules, routes, schemas, the engine) lives as long as the process: out of the cyclic
        # collector's sight, a full collection walks only what requests allocate. A search that binds thousands of
        # group ids otherwise set off full collections that stalled a request by some 70 ms (bench/README.md).
        gc.freeze()
        try:
            yield
        finally:
            await app.state.redis.aclose()
            await app.state.engine.dispose()

    app = FastAPI(
        title="OpenClaw",
        version="0.1.0",
        summary="The error board for cross-border e-commerce price, stock and listing pushes.",
        lifespan=lifespan,
        dependencies=[Depends(reject_unknown_query)],
    )
    app.state.settings = settings
    problems.install(app)
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContext)
    _mount_spa(app, Path(settings.static_dir))
    problems.declare_body_problems(app)
    return app


def _mount_spa(app: FastAPI, dist: Path) -> None:
    """Serve the built SPA at / with index.html for client-side routes; nothing when it is not built."""
    index = dist / "index.html"
    if not index.exists():
        return
    if (dist / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")

    root = dist.resolve()
    files = {str(p.relative_to(root)) for p in root.iterdir() if p.is_file()}  # favicon, robots.txt, ...

    @app.get("/{path:path}", include_in_schema=False)
    async def spa(path: str) -> FileResponse:
        if path in files:
            return FileResponse(root / path)
        if path.startswith(("v1/", "healthz", "readyz")):
            raise problems.NotFound("no such route")
        return FileResponse(index)
