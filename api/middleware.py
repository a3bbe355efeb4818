"""ASGI middleware: request ids and access logs, the last-resort answer to unhandled errors (500, or 503 for an
outage), the body-read timeout (408) and the request body size limit (413 before the body is read)."""

from __future__ import annotations

import asyncio
import re
import time
import uuid

import structlog
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import metrics, outages, problems

log = structlog.get_logger("openclaw.http")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestContext:
    """Echo or mint X-Request-ID, bind it to the logs, and log one line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - started
            route = metrics.route_template(scope)
            metrics.HTTP_REQUEST_DURATION.labels(route, scope["method"], str(status)).observe(duration)
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                route=route,
                status=status,
                duration_ms=round(duration * 1000, 1),
                **_request_ids(scope),
            )
            structlog.contextvars.clear_contextvars()


def _request_ids(scope: Scope) -> dict[str, str]:
    """The tenant (once a principal was resolved) and the task or trace a route's path names, for the access line."""
    ids = {k: str(v) for k, v in scope.get("path_params", {}).items() if k in ("task_id", "trace_id")}
    principal = scope.get("state", {}).get("principal")
    if principal is not None:
        ids["tenant_id"] = str(principal.tenant_id)
    return ids


class LastResort:
    """Answer what nothing else handled, as problem+json with the request id: an outage of PostgreSQL or Redis
    (api/outages.py) as 503 with Retry-After, anything else as 500 internal_error, logged with its traceback.

    It sits inside RequestContext, so the answer carries X-Request-ID and the log line the request id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            outage = outages.classify(exc)
            if outage is not None:
                log.warning("outage", code=outage.code, error=f"{type(exc).__name__}: {exc}"[:500])
            else:
                log.error("unhandled_exception", exc_info=exc)
            if started:
                # Part of the answer is out (a streamed export): ending it short makes the server drop the
                # connection, which the client sees as an incomplete body rather than a whole file.
                return
            request = Request(scope, receive)
            if outage is not None:
                retry = {"Retry-After": str(outages.RETRY_AFTER_SECONDS)}
                response = problems.problem(
                    request, 503, outage.code, outage.title_en, outage.title_zh, outage.detail, retry
                )
            else:
                response = problems.problem(
                    request,
                    500,
                    "internal_error",
                    "Internal server error",
                    "服务器内部错误",
                    "an unexpected error occurred; it has been logged with this request id",
                )
            await response(scope, receive, send)


class BodyReadTimedOut(Exception):
    """The client stopped sending its body; raised to the app from `receive`, answered 408 below."""


class BodyReadTimeout:
    """A client that sends the headers but not the body, or stalls in it, gets 408 after `seconds` of silence
    instead of holding a connection and a worker slot forever."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.seconds <= 0:
            await self.app(scope, receive, send)
            return
        body_done = False
        timed_out = False
        answered = False

        async def timed_receive() -> Message:
            nonlocal body_done, timed_out
            if body_done:  # after the body, receive waits for a disconnect: no limit on that
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.seconds)
            except TimeoutError:
                timed_out = True
                raise BodyReadTimedOut from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal answered
            # The app answers a body it could not read (FastAPI says 400): that answer is replaced by the 408.
            if timed_out:
                await answer()
                return
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        async def answer() -> None:
            nonlocal answered
            if answered:
                return
            answered = True
            response = problems.problem(
                Request(scope),
                408,
                "request_timeout",
                "Request body not received in time",
                "请求体接收超时",
                f"no part of the body arrived for {self.seconds:g} seconds",
                {"Connection": "close"},
            )
            await response(scope, receive, send)

        try:
            await self.app(scope, timed_receive, guarded_send)
        except BodyReadTimedOut:
            await answer()
            return
        if timed_out:
            await answer()


class BodySizeLimit:
    """Refuse bodies over `max_bytes` with a 413 problem, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        too_large = False
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Stop reading: the app sees an ended body, and its answer is replaced by the 413 below.
                    too_large = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal refused
            if too_large:
                if not refused:
                    refused = True
                    await self._refuse(scope, receive, send)
                return
            await send(message)

        await self.app(scope, counting_receive, guarded_send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = problems.problem(
            request,
            413,
            "payload_too_large",
            "Request body too large",
            "请求体过大",
            f"the body is over the limit of {self.max_bytes} bytes",
        )
        await response(scope, receive, send)
