"""Re-send outbox jobs that were written but not sent (the process died between commit and send)."""

from __future__ import annotations

from typing import Any

from api import queue


async def resend_outbox(ctx: dict[str, Any]) -> int:
    async with ctx["sessionmaker"]() as session, session.begin():
        return await queue.resend_unsent(session, ctx["redis"])
