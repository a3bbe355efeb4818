"""Domain exceptions and their RFC 9457 application/problem+json answers, in one place.

Services raise these and never know HTTP. Every problem carries a stable machine `code`, a `title` in the
caller's language (zh-CN by default, English with `Accept-Language: en`) and, for validation, the bad fields.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"


class InvalidParam(BaseModel):
    name: str
    reason: str
    type: str = ""


class Problem(BaseModel):
    """RFC 9457 problem details, as every error of this API is answered."""

    type: str
    title: str
    status: int
    code: str = Field(description="A stable machine-readable code, e.g. validation_failed, account_locked")
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    invalid_params: list[InvalidParam] | None = None


def _problem_response(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description, "content": {PROBLEM_JSON: {}}}


# Declared on every route so the generated clients know the error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _problem_response("Not signed in, or the credential is invalid"),
    403: _problem_response("Signed in, but the role or scope does not allow this"),
    413: _problem_response("The request body is larger than the API accepts"),
    422: _problem_response("The request is malformed or breaks a rule; invalid_params lists the bad fields"),
    503: _problem_response("The database or Redis is unavailable or too slow; retry after Retry-After seconds"),
}


# What any route that reads a body may answer besides its own: the body could not be read at all.
BODY_PROBLEMS: dict[str, str] = {
    "400": "The body is not readable as JSON (e.g. not UTF-8)",
    "408": "The body did not arrive within the body-read timeout",
}


def declare_body_problems(app: FastAPI) -> None:
    """Add BODY_PROBLEMS to every operation of the spec that takes a body (and only to those)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    if "requestBody" not in operation:
                        continue
                    for status, description in BODY_PROBLEMS.items():
                        operation["responses"].setdefault(status, _spec_problem(description))
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _spec_problem(description: str) -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/Problem"}
    return {"description": description, "content": {PROBLEM_JSON: {"schema": ref}}}


def problem_answer(status: int, description: str) -> dict[int | str, dict[str, Any]]:
    """An extra problem+json answer one route gives, for the spec: `responses=problem_answer(404, "No such task")`."""
    return {status: _problem_response(description)}


class DomainError(Exception):
    status = 400
    code = "bad_request"
    title_en = "Bad request"
    title_zh = "请求无效"
    # The request fails but what it wrote is committed (e.g. a counted failed login).
    keep_writes = False

    def __init__(self, detail: str = "", *, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title_en)
        self.detail = detail
        self.headers = headers or {}
        self.extra = extra


class BadRequest(DomainError):
    pass


class Invalid(DomainError):
    """Well-formed input that breaks a rule (unknown shop, since > until, ...)."""

    status = 422
    code = "validation_failed"
    title_en = "Validation failed"
    title_zh = "参数校验失败"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    title_en = "Authentication required"
    title_zh = "需要登录"


class BadSignature(Unauthorized):
    """A platform notification whose signature does not match the shop's stored secret."""

    code = "bad_signature"
    title_en = "Signature check failed"
    title_zh = "签名校验失败"


class StaleNotification(Unauthorized):
    """A platform notification older than the receiver accepts: a replay, or one kept too long."""

    code = "stale_notification"
    title_en = "Notification too old (possible replay)"
    title_zh = "通知已过期（疑似重放）"


class NotificationFromTheFuture(BadRequest):
    code = "notification_in_future"
    title_en = "Notification time is in the future"
    title_zh = "通知时间晚于当前时间"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title_en = "Not allowed"
    title_zh = "没有权限"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title_en = "Not found"
    title_zh = "未找到"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title_en = "Conflict"
    title_zh = "数据冲突"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"
    title_en = "Request body too large"
    title_zh = "请求体过大"


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"
    title_en = "Too many requests"
    title_zh = "请求过于频繁"


class Unavailable(DomainError):
    status = 503
    code = "unavailable"
    title_en = "Service unavailable"
    title_zh = "服务暂不可用"


def wants_english(request: Request) -> bool:
    return request.headers.get("accept-language", "").lower().startswith("en")


def problem(
    request: Request,
    status: int,
    code: str,
    title_en: str,
    title_zh: str,
    detail: str = "",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://docs.openclaw.dev/problems/{code}",
        "title": title_en if wants_english(request) else title_zh,
        "status": status,
        "code": code,
        "instance": request.url.path,
    }
    if detail:
        body["detail"] = detail
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_HTTP_TITLES = {
    400: ("bad_request", "Bad request", "请求无效"),
    401: ("unauthorized", "Authentication required", "需要登录"),
    403: ("forbidden", "Not allowed", "没有权限"),
    404: ("not_found", "Not found", "未找到"),
    405: ("method_not_allowed", "Method not allowed", "不支持该请求方法"),
    413: ("payload_too_large", "Request body too large", "请求体过大"),
    415: ("unsupported_media_type", "Unsupported media type", "不支持的内容类型"),
}


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[0] if loc else "")


def install(app: FastAPI) -> None:
    # Imported here: the middleware module answers with this module's problem().
    from api.middleware import BodyReadTimeout, LastResort

    # Innermost of the middleware (main.py adds the outer ones after this): an unhandled error, or an outage of
    # PostgreSQL or Redis, is answered inside RequestContext, with the request id; a body that never arrives, 408.
    app.add_middleware(BodyReadTimeout, seconds=app.state.settings.body_read_timeout_seconds)
    app.add_middleware(LastResort)

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return problem(request, exc.status, exc.code, exc.title_en, exc.title_zh, exc.detail, exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"name": _field_name(e.get("loc", ())), "reason": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['name']}: {e['reason']}" for e in errors)
        return problem(
            request, 422, "validation_failed", "Validation failed", "参数校验失败", detail, invalid_params=errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, en, zh = _HTTP_TITLES.get(exc.status_code, ("http_error", "HTTP error", "请求错误"))
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail not in (en,) else ""
        return problem(request, exc.status_code, code, en, zh, detail, dict(exc.headers or {}))
