"""Local stand-ins for the channels: one HTTP server on 127.0.0.1 answering as the robots do, an SMTP server
(aiosmtpd), and a guard that fails a test if anything tries to open a connection."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.alerts.channels.message import AlertMessage, AlertSeverity, Counted, Mentions

# What the robots answer on success (alert-channels.md §1-3).
WECOM_OK = b'{"errcode":0,"errmsg":"ok"}'
DINGTALK_OK = b'{"errcode":0,"errmsg":"ok"}'
FEISHU_OK = b'{"code":0,"msg":"success","data":{},"Extra":null,"StatusCode":0,"StatusMessage":"success"}'


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Records every request; answers the queued (status, body) pairs in order, then `default`."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, bytes]] = field(default_factory=list)
    default: tuple[int, bytes] = (200, WECOM_OK)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        self.requests.append(Received(request.url.path, dict(request.query_params), dict(request.headers), body))
        status, answer = self.answers.pop(0) if self.answers else self.default
        return Response(answer, status_code=status, media_type="application/json")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()
    app = Starlette(routes=[Route("/{path:path}", state.handle, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    state.port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
        await asyncio.sleep(0.01)
    yield state
    server.should_exit = True
    await task


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, EmailMessage]] = []
        self.answer = "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.answer.startswith("250"):
            assert isinstance(envelope.content, bytes)
            parsed = message_from_bytes(envelope.content, policy=policy.default)
            assert isinstance(parsed, EmailMessage)
            self.messages.append((envelope, parsed))
        return self.answer


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture
def no_connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every outgoing connection attempt is recorded and refused: a refusal must come before any socket opens."""
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args[1:] or kwargs)
        # An OSError, as a refused connection would raise: the caller's own handling runs, and the test reads
        # `attempts` to see it happened.
        raise ConnectionRefusedError(f"connection attempted in a test that forbids it: {args[1:]!r}")

    async def refuse_async(*args: Any, **kwargs: Any) -> Any:
        return refuse(*args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(asyncio.BaseEventLoop, "create_connection", refuse_async)
    monkeypatch.setattr(asyncio.BaseEventLoop, "sock_connect", refuse_async)
    return attempts


def public_resolver(*addresses: str) -> Any:
    """A resolver for names that must not be looked up for real (no network in tests)."""

    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


def alert(**overrides: Any) -> AlertMessage:
    values: dict[str, Any] = {
        "title": "Shopee 价格推送失败激增",
        "severity": AlertSeverity.critical,
        "count": 128,
        "threshold": 100,
        "window_minutes": 60,
        "board_url": "https://openclaw.example.com/board?type=PRICE_NOT_EFFECTIVE&platform=shopee&since=60m",
        "occurred_at": datetime(2026, 11, 25, 8, 0, tzinfo=UTC),
        "scope": "Shopee MY · 价格未生效",
        "top_error_types": (
            Counted("PRICE_NOT_EFFECTIVE", 80, "价格未生效"),
            Counted("RATE_LIMITED", 48, "触发限流"),
        ),
        "top_shops": (Counted("shop-1", 70, "Shopee MY 旗舰店"), Counted("shop-2", 58, "Shopee SG 店")),
        "mentions": Mentions(mobiles=("13800001111",), user_ids=("zhangsan",)),
    }
    values.update(overrides)
    return AlertMessage(**values)
