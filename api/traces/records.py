"""What a recorded platform exchange is: the record the workers' clients produce and the traces service stores.
Standard library only (plus the platform facts), so both `api/` and `workers/` may import it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from api.platforms import Platform


class Operation(StrEnum):
    """What a call does; rate-limit buckets and traces are keyed by it."""

    price = "price"
    stock = "stock"
    listing = "listing"
    status = "status"
    catalog = "catalog"  # paging through the shop's listing API (a catalog sync)
    auth = "auth"


@dataclass(frozen=True, slots=True)
class TraceExchange:
    """One platform HTTP exchange, already redacted."""

    trace_id: str
    platform: Platform
    shop_id: str
    operation: Operation
    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str
    started_at: datetime
    duration_ms: int
    response_status: int | None = None  # None when the transport failed
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""
    transport_error: str | None = None
    attempt: int = 1
