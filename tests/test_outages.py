"""Outages answer 503 problem+json quickly, bugs answer 500 problem+json, and a body that never arrives 408.

Every outage here is real: a database or Redis port where nothing listens, a TCP server that accepts and never
answers, a PostgreSQL statement held behind a lock until its timeout, a pool with no free connection. The apps run
with the production timeouts (Settings defaults), and the bound is the one users are promised: five seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from api.auth.service import API_KEY_PREFIX
from api.config import Settings
from api.db import create_app_engine, create_owner_engine, sessionmaker
from api.main import create_app
from tests.conftest import TEST_REDIS_URL

# Shaped like an API key, so that finding its principal needs the database.
SOME_KEY = {"Authorization": f"Bearer {API_KEY_PREFIX}abcdefgh_{'x' * 32}"}
PROMISED_SECONDS = 5.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: nothing listens there


@asynccontextmanager
async def silent_server() -> AsyncIterator[int]:
    """A server on loopback that accepts connections and never says a word."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


def production_settings(migrated_database: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": migrated_database,
        "redis_url": TEST_REDIS_URL,
        "secret_key": "test-secret",
        "encryption_key": "E8VqqLzFgTPCq3bBT5oWZk0Hb9gj8iYkOQXh_QfDq5A=",
        "static_dir": "-",
    }
    return Settings(**{**values, **overrides})


@asynccontextmanager
async def running(app: FastAPI, client_host: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """The app with its own engine and Redis client, as `openclaw serve` starts it."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(client_host, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


async def timed(call: Any) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = await call
    return response, time.perf_counter() - started


def assert_outage(response: httpx.Response, elapsed: float, code: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    assert body["request_id"] == response.headers["x-request-id"]
    assert int(response.headers["retry-after"]) > 0
    assert elapsed < PROMISED_SECONDS


# --- the database ------------------------------------------------------------------------------------------------


async def test_a_stopped_database_answers_503_with_retry_after_at_once(migrated_database: str) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/openclaw"
    app = create_app(production_settings(migrated_database, database_url=url))
    async with running(app) as client:
        response, elapsed = await timed(client.get("/v1/errors", headers={**SOME_KEY, "X-Request-ID": "erp-7"}))

    assert_outage(response, elapsed, "database_unavailable")
    assert response.json()["request_id"] == "erp-7"
    assert response.json()["title"] == "数据库暂不可用"


async def test_a_database_that_accepts_and_never_answers_gives_503_within_five_seconds(
    migrated_database: str,
) -> None:
    async with silent_server() as port:
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/openclaw"
        app = create_app(production_settings(migrated_database, database_url=url))
        async with running(app) as client:
            response, elapsed = await timed(client.get("/v1/errors", headers={**SOME_KEY, "Accept-Language": "en"}))

    assert_outage(response, elapsed, "database_unavailable")
    assert response.json()["title"] == "Database unavailable"


async def test_an_unknown_database_host_answers_503(migrated_database: str) -> None:
    url = "postgresql+asyncpg://postgres@database.invalid:5432/openclaw"
    app = create_app(production_settings(migrated_database, database_url=url))
    async with running(app) as client:
        response, elapsed = await timed(client.get("/v1/errors", headers=SOME_KEY))

    assert_outage(response, elapsed, "database_unavailable")


async def test_a_database_that_refuses_our_login_answers_503(migrated_database: str) -> None:
    url = "postgresql+asyncpg://no_such_role@127.0.0.1:5432/openclaw"
    app = create_app(production_settings(migrated_database, database_url=url))
    async with running(app) as client:
        response, elapsed = await timed(client.get("/v1/errors", headers=SOME_KEY))

    assert_outage(response, elapsed, "database_unavailable")


async def test_a_statement_stuck_behind_a_lock_ends_at_the_statement_timeout_with_503(migrated_database: str) -> None:
    settings = production_settings(migrated_database)
    owner = create_owner_engine(settings)
    app = create_app(settings)
    try:
        async with owner.connect() as blocker, running(app) as client:
            await blocker.execute(text("LOCK TABLE api_keys IN ACCESS EXCLUSIVE MODE"))
            response, elapsed = await timed(client.get("/v1/errors", headers=SOME_KEY))
            await blocker.rollback()
    finally:
        await owner.dispose()

    assert_outage(response, elapsed, "database_unavailable")
    assert elapsed >= settings.db_statement_timeout_ms / 1000 * 0.9  # it did wait for the timeout


async def test_a_long_statement_is_cancelled_by_postgresql_at_the_requests_timeout(migrated_database: str) -> None:
    engine = create_app_engine(production_settings(migrated_database, db_statement_timeout_ms=300))
    try:
        async with engine.connect() as connection:
            started = time.perf_counter()
            with pytest.raises(Exception, match="statement timeout"):
                await connection.execute(text("SELECT pg_sleep(3)"))
            assert time.perf_counter() - started < 1.5
    finally:
        await engine.dispose()


async def test_no_free_pooled_connection_answers_503_after_the_pool_timeout(migrated_database: str) -> None:
    settings = production_settings(migrated_database)
    app = create_app(settings)
    async with running(app) as client:
        await app.state.engine.dispose()
        app.state.engine = create_app_engine(settings, pool_size=1, max_overflow=0)
        app.state.sessionmaker.configure(bind=app.state.engine)
        try:
            async with app.state.engine.connect() as held:
                await held.execute(text("SELECT 1"))
                response, elapsed = await timed(client.get("/v1/errors", headers=SOME_KEY))
        finally:
            await app.state.engine.dispose()

    assert_outage(response, elapsed, "database_unavailable")
    assert elapsed >= settings.db_pool_timeout_seconds * 0.9


# --- Redis -------------------------------------------------------------------------------------------------------


def with_redis_route(app: FastAPI) -> FastAPI:
    """A route that needs Redis, as the queue and rate-limit routes do."""

    @app.get("/test/queue-depth")
    async def queue_depth() -> dict[str, int]:
        return {"depth": int(await app.state.redis.llen("arq:queue"))}

    return app


async def test_a_route_that_needs_a_stopped_redis_answers_503_queue_unavailable(migrated_database: str) -> None:
    app = with_redis_route(
        create_app(production_settings(migrated_database, redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    )
    async with running(app) as client:
        response, elapsed = await timed(client.get("/test/queue-depth"))

    assert_outage(response, elapsed, "queue_unavailable")
    assert response.json()["title"] == "队列服务暂不可用"


async def test_a_route_that_needs_a_silent_redis_answers_503_within_five_seconds(migrated_database: str) -> None:
    async with silent_server() as port:
        app = with_redis_route(
            create_app(production_settings(migrated_database, redis_url=f"redis://127.0.0.1:{port}/0"))
        )
        async with running(app) as client:
            response, elapsed = await timed(client.get("/test/queue-depth"))

    assert_outage(response, elapsed, "queue_unavailable")


async def test_a_login_while_redis_is_down_answers_503_with_retry_after(migrated_database: str) -> None:
    app = create_app(production_settings(migrated_database, redis_url=f"redis://127.0.0.1:{free_port()}/0"))
    # From a non-loopback address, so that the per-address throttle (in Redis) is asked.
    async with running(app, client_host="203.0.113.9") as client:
        response, elapsed = await timed(
            client.post("/v1/auth/login", json={"email": "someone@example.com", "password": "whatever"})
        )

    assert response.status_code == 503 and response.headers["content-type"] == "application/problem+json"
    assert response.json()["request_id"] == response.headers["x-request-id"]
    assert int(response.headers["retry-after"]) > 0 and elapsed < PROMISED_SECONDS


# --- /readyz -----------------------------------------------------------------------------------------------------


async def test_readyz_names_a_stopped_database_and_still_checks_redis(migrated_database: str) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/openclaw"
    app = create_app(production_settings(migrated_database, database_url=url))
    async with running(app) as client:
        response, elapsed = await timed(client.get("/readyz"))

    assert response.status_code == 503 and elapsed < PROMISED_SECONDS
    assert response.json()["checks"]["postgres"].startswith("unreachable")
    assert response.json()["checks"]["redis"] == "ok"
    assert "retry-after" in response.headers


async def test_readyz_reports_hung_database_and_hung_redis_each_as_a_timeout_within_seconds(
    migrated_database: str,
) -> None:
    async with silent_server() as db_port, silent_server() as redis_port:
        settings = production_settings(
            migrated_database,
            database_url=f"postgresql+asyncpg://postgres@127.0.0.1:{db_port}/openclaw",
            redis_url=f"redis://127.0.0.1:{redis_port}/0",
        )
        app = create_app(settings)
        async with running(app) as client:
            response, elapsed = await timed(client.get("/readyz"))

    assert response.status_code == 503
    assert response.json()["checks"]["postgres"].startswith("timeout")
    assert response.json()["checks"]["redis"].startswith(("timeout", "unreachable"))
    assert elapsed < 3.0  # both checks ran at the same time, each bounded


async def test_readyz_reports_a_hung_redis_while_the_database_is_fine(migrated_database: str) -> None:
    async with silent_server() as port:
        app = create_app(production_settings(migrated_database, redis_url=f"redis://127.0.0.1:{port}/0"))
        async with running(app) as client:
            response, elapsed = await timed(client.get("/readyz"))

    assert response.status_code == 503 and elapsed < 3.0
    assert response.json()["checks"] == {"postgres": "ok", "redis": response.json()["checks"]["redis"]}
    assert response.json()["checks"]["redis"] != "ok"


# --- bugs --------------------------------------------------------------------------------------------------------


def with_broken_route(app: FastAPI) -> FastAPI:
    @app.get("/test/broken")
    async def broken() -> None:
        raise RuntimeError("a bug we did not foresee")

    return app


async def test_an_unhandled_error_answers_500_problem_json_with_the_request_id(migrated_database: str) -> None:
    app = with_broken_route(create_app(production_settings(migrated_database)))
    async with running(app) as client:
        zh = await client.get("/test/broken", headers={"X-Request-ID": "ci-run-9"})
        en = await client.get("/test/broken", headers={"Accept-Language": "en"})

    assert zh.status_code == 500 and zh.headers["content-type"] == "application/problem+json"
    assert zh.headers["x-request-id"] == "ci-run-9" and zh.json()["request_id"] == "ci-run-9"
    assert zh.json()["code"] == "internal_error" and zh.json()["title"] == "服务器内部错误"
    assert en.json()["title"] == "Internal server error"
    assert "a bug we did not foresee" not in zh.text  # internals stay in the log


# --- served by uvicorn: raw sockets and the process' log -----------------------------------------------------------


@dataclass
class Served:
    port: int
    lines: list[str]


@pytest.fixture(scope="module")
def served(migrated_database: str) -> Iterator[Served]:
    """The app under uvicorn on a loopback port, with a one-second body-read timeout; its output is collected."""
    port = free_port()
    env = {
        **os.environ,
        "OPENCLAW_DATABASE_URL": migrated_database,
        "OPENCLAW_REDIS_URL": TEST_REDIS_URL,
        "OPENCLAW_SECRET_KEY": "test-secret",
        "OPENCLAW_ENCRYPTION_KEY": "E8VqqLzFgTPCq3bBT5oWZk0Hb9gj8iYkOQXh_QfDq5A=",
        "OPENCLAW_STATIC_DIR": "-",
        "OPENCLAW_BODY_READ_TIMEOUT_SECONDS": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "tests.served_app:create",
         "--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 90  # imports alone take seconds on a busy machine
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("uvicorn did not start:\n" + "".join(lines))
            time.sleep(0.2)
        yield Served(port, lines)
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=5)


async def raw_exchange(port: int, head: bytes, body_part: bytes = b"") -> tuple[bytes, float]:
    """Send a request's head (and maybe part of its body), then nothing; read until the server closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.perf_counter()
    writer.write(head + body_part)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(-1), timeout=10)
    elapsed = time.perf_counter() - started
    writer.close()
    return answer, elapsed


LOGIN_HEAD = (
    b"POST /v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 200\r\nX-Request-ID: slow-erp-1\r\n\r\n"
)


async def test_a_client_that_never_sends_its_body_gets_408_after_the_body_read_timeout(served: Served) -> None:
    answer, elapsed = await raw_exchange(served.port, LOGIN_HEAD)

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert b"content-type: application/problem+json" in head.lower()
    assert b"x-request-id: slow-erp-1" in head.lower()
    assert json.loads(body)["code"] == "request_timeout"
    assert 0.9 < elapsed < 3.0


async def test_a_client_that_stalls_halfway_through_its_body_gets_408(served: Served) -> None:
    answer, elapsed = await raw_exchange(served.port, LOGIN_HEAD, b'{"email": "someone@exa')

    assert answer.startswith(b"HTTP/1.1 408") and 0.9 < elapsed < 3.0


async def test_a_body_that_arrives_in_time_is_read_as_usual_and_size_limits_still_hold(served: Served) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{served.port}") as client:
        wrong = await client.post("/v1/auth/login", json={"email": "nobody@example.com", "password": "x" * 8})
        huge = await client.post("/v1/auth/login", content=b"{" + b" " * (6 * 1024 * 1024) + b"}")

    assert wrong.status_code == 401
    assert huge.status_code == 413 and huge.json()["code"] == "payload_too_large"


async def test_an_unhandled_error_is_logged_as_one_json_line_with_its_traceback(served: Served) -> None:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{served.port}") as client:
        response = await client.get("/test/broken", headers={"X-Request-ID": "bug-hunt-3"})
    await asyncio.sleep(0.2)  # let the log line through the pipe

    assert response.status_code == 500 and response.json()["request_id"] == "bug-hunt-3"
    logged = [json.loads(line) for line in served.lines if line.startswith("{")]
    errors = [entry for entry in logged if entry.get("event") == "unhandled_exception"]
    assert len(errors) == 1
    assert errors[0]["request_id"] == "bug-hunt-3" and errors[0]["level"] == "error"
    (raised,) = errors[0]["exception"]
    assert raised["exc_type"] == "RuntimeError" and raised["exc_value"] == "a bug we did not foresee"
    assert any(frame["name"] == "broken" for frame in raised["frames"])
    assert not any("Traceback (most recent call last)" in line for line in served.lines)  # no plain-text copy


async def test_a_csv_export_runs_under_its_own_statement_timeout_not_the_requests(migrated_database: str) -> None:
    from api.exports.service import CsvExport

    settings = production_settings(migrated_database)
    export = CsvExport("f.csv", uuid.uuid4(), "Asia/Shanghai", b"", "SELECT 1", ())
    engine = create_app_engine(settings)
    try:
        async with sessionmaker(engine)() as session, session.begin():
            request_timeout = (await session.execute(text("SHOW statement_timeout"))).scalar_one()
            await export.prepare(session, settings.db_export_statement_timeout_ms)
            export_timeout = (await session.execute(text("SHOW statement_timeout"))).scalar_one()
    finally:
        await engine.dispose()

    assert request_timeout == "4s"
    assert export_timeout == "30min"
