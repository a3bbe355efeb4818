"""JSON structured logs (structlog), with the request id bound to every line of a request.

The same in the API and the worker: structlog's own lines and the standard library's (uvicorn, arq) are JSON lines
carrying the context bound with structlog.contextvars (request_id, tenant_id, job, job_id, task_id, trace_id)."""

from __future__ import annotations

import logging
import sys

import structlog
from structlog.typing import Processor

_SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.processors.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure(level: str = "INFO") -> None:
    root = logging.getLogger()
    if not any(getattr(h, "openclaw_json", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(
            structlog.stdlib.ProcessorFormatter(
                foreign_pre_chain=[*_SHARED, structlog.stdlib.add_logger_name],
                processors=[
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.dict_tracebacks,
                    structlog.processors.JSONRenderer(),
                ],
            )
        )
        handler.openclaw_json = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    structlog.configure(
        processors=[
            *_SHARED,
            structlog.processors.dict_tracebacks,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(),
        cache_logger_on_first_use=True,
    )
