"""The app as `uvicorn --factory tests.served_app:create` serves it for tests that need a real server and its
output (settings from OPENCLAW_* in the environment), with one route that fails the way an unforeseen bug would."""

from __future__ import annotations

from fastapi import FastAPI

from api.main import create_app


def create() -> FastAPI:
    app = create_app()

    @app.get("/test/broken")
    async def broken() -> None:
        raise RuntimeError("a bug we did not foresee")

    return app
