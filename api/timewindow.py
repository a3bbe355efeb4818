"""The one rule for a time window given by a caller: times carry their offset, and since is not after until."""

from __future__ import annotations

from datetime import datetime


def check_window(since: datetime | None, until: datetime | None) -> None:
    """Raise ValueError (a 422 once pydantic or the caller turns it into a problem) for a bad window."""
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise ValueError(f"{name} needs a UTC offset, e.g. 2026-11-25T08:00:00+08:00")
    if since and until and since > until:
        raise ValueError("since must not be after until")
