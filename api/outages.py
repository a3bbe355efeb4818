"""Outages of what the API stands on (PostgreSQL, Redis), told apart from bugs.

A request that fails because the database or Redis is down, refuses us, or does not answer in time is not a bug
of ours and not the client's fault: it gets 503 problem+json with Retry-After, so that ERPs and scripts retry
later instead of reporting a 500. Anything else that nothing handled is a bug (500, api/middleware.py LastResort).
"""

from __future__ import annotations

import types
from dataclasses import dataclass

import asyncpg
from redis import exceptions as redis_errors
from sqlalchemy import exc as sa_errors

RETRY_AFTER_SECONDS = 5


@dataclass(frozen=True)
class Outage:
    code: str
    title_en: str
    title_zh: str
    detail: str


DATABASE = Outage(
    "database_unavailable",
    "Database unavailable",
    "数据库暂不可用",
    "the database is unreachable or did not answer in time; try again shortly",
)
QUEUE = Outage(
    "queue_unavailable",
    "Queue unavailable",
    "队列服务暂不可用",
    "Redis is unreachable or did not answer in time; try again shortly",
)

# SQLSTATE classes and codes that mean "the database cannot serve us now", not "this statement is wrong":
# connection exceptions (08), authorisation (28), no such database (3D000), insufficient resources (53, e.g.
# too many connections), operator intervention (57: statement timeout 57014, shutdown, starting up), lock timeout
# (55P03) and idle-in-transaction timeout (25P03).
_OUTAGE_SQLSTATE_CLASSES = ("08", "28", "53", "57")
_OUTAGE_SQLSTATES = {"3D000", "55P03", "25P03"}


def classify(exc: BaseException) -> Outage | None:
    """The outage behind an exception (looking through its causes and exception groups), or None for a bug."""
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        outage = _outage_of(current)
        if outage is not None:
            return outage
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        orig = getattr(current, "orig", None)
        for linked in (current.__cause__, current.__context__, orig):
            if isinstance(linked, BaseException):
                pending.append(linked)
    return None


def _outage_of(exc: BaseException) -> Outage | None:
    if isinstance(exc, redis_errors.ConnectionError | redis_errors.TimeoutError):
        return QUEUE
    if isinstance(exc, sa_errors.TimeoutError):  # no pooled connection came free in time
        return DATABASE
    if isinstance(exc, sa_errors.DBAPIError) and exc.connection_invalidated:
        return DATABASE
    if isinstance(exc, asyncpg.PostgresError):
        sqlstate = getattr(exc, "sqlstate", None) or ""
        if sqlstate in _OUTAGE_SQLSTATES or sqlstate[:2] in _OUTAGE_SQLSTATE_CLASSES:
            return DATABASE
        return None
    if isinstance(exc, asyncpg.exceptions.ConnectionDoesNotExistError):
        return DATABASE
    if isinstance(exc, OSError | TimeoutError):
        # Refused, reset, DNS, or no answer in time: whose connection it was shows in where it was raised.
        package = _raised_in(exc.__traceback__)
        if package == "redis":
            return QUEUE
        if package in ("asyncpg", "sqlalchemy"):
            return DATABASE
    return None


def _raised_in(traceback: types.TracebackType | None) -> str | None:
    """The innermost of our client libraries the traceback went through."""
    found = None
    while traceback is not None:
        package = traceback.tb_frame.f_globals.get("__name__", "").partition(".")[0]
        if package in ("redis", "asyncpg", "sqlalchemy"):
            found = package
        traceback = traceback.tb_next
    return found
