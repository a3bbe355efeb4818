"""One validation layer for what reaches PostgreSQL: the shared pydantic types every schema and parameter uses.

PostgreSQL stores more than Python can read back: a timestamp whose offset pushes it past year 9999, or a string
with a NUL byte (text refuses it, mid-request, as a 500). These types refuse such input as a 422 naming the field
before it is written or searched for:

- `OccurredAt`: when something happened: RFC 3339 with an offset, normalised to UTC, from 2000-01-01 to now + 1 day.
- `UtcDateTime`: a time to filter or schedule by (since, until, snooze until): the same, from 2000-01-01 to
  2100-01-01 (FILTER_EARLIEST, FILTER_LATEST), wide enough for any real window and narrow enough that a window's
  default length subtracted from it stays a valid timestamp.
- `Text`: a string without NUL bytes, for every stored string and every search or filter parameter.
- `StrictBool`: true or false, never 0, 1 or "yes".
- `TimeZoneName`: an IANA zone both Python and PostgreSQL know (no right/..., posix/..., localtime).

Times are never numbers: pydantic reads 1700000000 or "1700000000" as a Unix time, which the spec does not say.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from pydantic import AfterValidator, BeforeValidator, Strict

FILTER_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FILTER_LATEST = datetime(2100, 1, 1, tzinfo=UTC)
OCCURRED_AT_EARLIEST = FILTER_EARLIEST
OCCURRED_AT_LEAD = timedelta(days=1)  # clocks of ERPs drift; ingest has its own, tighter rule on the future

_NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def _not_a_number(value: Any) -> Any:
    if isinstance(value, int | float | Decimal) or (isinstance(value, str) and _NUMBER.fullmatch(value)):
        raise ValueError("a time is an RFC 3339 string such as 2026-11-25T08:00:00+08:00, not a number")
    return value


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC; ValueError for a time without offset or one that leaves years 1-9999 in UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("needs a UTC offset, e.g. 2026-11-25T08:00:00+08:00")
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("is out of range once its UTC offset is applied") from exc


def _between(value: datetime, earliest: datetime, latest: datetime) -> datetime:
    utc = as_utc(value)
    if not earliest <= utc <= latest:
        raise ValueError(f"must be between {earliest.isoformat()} and {latest.isoformat()}")
    return utc


def _filter_time(value: datetime) -> datetime:
    return _between(value, FILTER_EARLIEST, FILTER_LATEST)


def _occurred_at(value: datetime) -> datetime:
    return _between(value, OCCURRED_AT_EARLIEST, datetime.now(UTC) + OCCURRED_AT_LEAD)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL (\\u0000) characters")
    return value


def usable_time_zones() -> frozenset[str]:
    return _usable_time_zones()


@lru_cache(maxsize=1)
def _usable_time_zones() -> frozenset[str]:
    # Python's zoneinfo also loads right/... (leap seconds, which PostgreSQL refuses), posix/... copies and the
    # machine's own localtime; PostgreSQL's SET timezone, which the export runs, takes none of those.
    return frozenset(
        name
        for name in available_timezones()
        if not name.startswith(("right/", "posix/")) and name not in {"localtime", "posixrules", "Factory"}
    )


def _known_zone(value: str) -> str:
    if value not in usable_time_zones():
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as Asia/Shanghai or UTC")
    return value


OccurredAt = Annotated[datetime, BeforeValidator(_not_a_number), AfterValidator(_occurred_at)]
UtcDateTime = Annotated[datetime, BeforeValidator(_not_a_number), AfterValidator(_filter_time)]
Text = Annotated[str, AfterValidator(_no_nul)]
StrictBool = Annotated[bool, Strict()]
TimeZoneName = Annotated[str, AfterValidator(_known_zone)]
