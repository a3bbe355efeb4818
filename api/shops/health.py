"""A connection's health, computed from its row and the time: one pure function, read by the API (shown live) and
by the health cron (which stores it and raises an event on entering a state that needs a person).

What the row says on its own: when the authorisation ends (the refresh token, or the grant where the platform caps
it; the access token only where nothing can refresh it), which required scopes the grant lacks. What it only knows
from a call: `observed`, the health last stored. Of that, only what a call or a refresh saw is kept: a refused
authorisation ("expired") stays until a new one (the OAuth callback, a new connection) replaces it, a failing call
("failing") until a call succeeds, and "unknown" until anything tried it. "expiring" and "scope_missing" are always
computed again, so a refresh that extends the grant or a grant with the scope clears them.

Precedence, most urgent first: expired > scope_missing > expiring > failing > unknown > ok.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from api import platforms

AUTH_PROBLEM_STATES = frozenset({"expiring", "expired", "scope_missing"})


@dataclass(frozen=True, slots=True)
class HealthInput:
    """The parts of a connection row the health depends on."""

    platform: str
    observed: str
    has_access_token: bool
    has_refresh_token: bool
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    grant_expires_at: datetime | None
    scopes: Sequence[str]


@dataclass(frozen=True, slots=True)
class Health:
    state: str
    ends_at: datetime | None  # when the authorisation ends, where known
    missing_scopes: tuple[str, ...]


def missing_scopes(platform: str, granted: Sequence[str]) -> tuple[str, ...]:
    """The platform's required scopes the grant lacks. A platform whose grants name no scopes has none missing; so
    has a grant that reports no scopes at all (a connection set by hand, without them): the first call tells."""
    if not granted:
        return ()
    have = set(granted)
    return tuple(s for s in platforms.REQUIRED_SCOPES.get(platform, ()) if s not in have)


def authorisation_end(row: HealthInput) -> tuple[datetime | None, timedelta | None]:
    """When the authorisation ends and the documented lifetime of what ends it (None where unknown)."""
    platform = row.platform
    candidates: list[tuple[datetime, timedelta | None]] = []
    if row.grant_expires_at is not None:
        candidates.append((row.grant_expires_at, platforms.GRANT_LIFETIME.get(platform)))
    if row.has_refresh_token:
        if row.refresh_expires_at is not None:
            candidates.append((row.refresh_expires_at, platforms.REFRESH_TOKEN_LIFETIME.get(platform)))
    elif row.access_expires_at is not None:
        # Nothing can refresh it: the access token is the authorisation.
        candidates.append((row.access_expires_at, platforms.ACCESS_TOKEN_LIFETIME.get(platform)))
    if not candidates:
        return None, None
    return min(candidates, key=lambda c: c[0])


def expiring_window(lifetime: timedelta | None) -> timedelta:
    if lifetime is None:
        return platforms.EXPIRING_WINDOW
    return min(platforms.EXPIRING_WINDOW, lifetime * platforms.EXPIRING_FRACTION)


def compute(row: HealthInput, now: datetime) -> Health:
    missing = missing_scopes(row.platform, row.scopes)
    if not row.has_access_token and not row.has_refresh_token:
        return Health("expired" if row.observed == "expired" else "unknown", None, missing)
    ends_at, lifetime = authorisation_end(row)
    if row.observed == "expired" or (ends_at is not None and ends_at <= now):
        state = "expired"
    elif missing:
        state = "scope_missing"
    elif ends_at is not None and ends_at - now < expiring_window(lifetime):
        state = "expiring"
    elif row.observed in ("failing", "unknown"):
        state = row.observed
    else:
        state = "ok"
    return Health(state, ends_at, missing)
