"""A TraceRecorder that stores what the platform clients record, in batches, through the traces service."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db import tenant_session
from api.traces import service as traces
from workers.platforms.base import TraceExchange


class DatabaseTraceRecorder:
    """Buffers exchanges and writes them with one INSERT per flush.

    Given a session (already scoped to the tenant), it writes inside the caller's transaction (the traces commit or roll back with the job's
    work). Given a session factory, each flush is its own transaction, so the traces of a job that later fails
    are kept: those are the ones worth reading. Use it as an async context manager, or call `flush()` yourself.
    """

    def __init__(
        self,
        sessions: AsyncSession | async_sessionmaker[AsyncSession],
        tenant_id: uuid.UUID,
        *,
        task_id: uuid.UUID | None = None,
        strategy_id: uuid.UUID | None = None,
        secrets: Iterable[str] = (),
        flush_every: int = 200,
    ) -> None:
        self.sessions = sessions
        self.tenant_id = tenant_id
        self.task_id = task_id
        self.strategy_id = strategy_id
        self.secrets = [s for s in secrets if s]
        self.flush_every = max(1, flush_every)
        self.pending: list[TraceExchange] = []
        self._flushing = asyncio.Lock()  # concurrent calls of one client share this recorder

    async def record(self, exchange: TraceExchange) -> None:
        self.pending.append(exchange)
        if len(self.pending) >= self.flush_every:
            await self.flush()

    async def flush(self) -> None:
        async with self._flushing:
            batch = list(self.pending)
            if not batch:
                return
            if isinstance(self.sessions, AsyncSession):
                await self._write(self.sessions, batch)
            else:
                async with tenant_session(self.sessions, self.tenant_id) as session:
                    await self._write(session, batch)
            # Dropped only once written: a failed flush keeps the batch for the next try (the write is idempotent).
            self.pending = self.pending[len(batch) :]

    async def _write(self, session: AsyncSession, batch: list[TraceExchange]) -> None:
        await traces.record_exchanges(
            session,
            self.tenant_id,
            batch,
            task_id=self.task_id,
            strategy_id=self.strategy_id,
            secrets=self.secrets,
        )

    async def __aenter__(self) -> DatabaseTraceRecorder:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Flushed on error too: the traces of a failing call are the point. A flush failure then must not hide
        # the original error, so it is raised only when the block itself succeeded.
        try:
            await self.flush()
        except Exception:
            if exc is None:
                raise
