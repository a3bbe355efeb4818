"""The board's filter: one definition parsed from query strings, stored in saved views, and turned into SQL.

The list, facets, CSV export, bulk actions and stats all use `group_conditions` so they always agree.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator
from sqlalchemy import ColumnElement, String, Uuid, and_, any_, bindparam, func, or_, select, true, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors.models import ErrorEvent, ErrorGroup
from api.errors.taxonomy import TAXONOMY, ErrorType
from api.principal import Principal
from api.timewindow import check_window
from api.validation import Text, UtcDateTime

SeverityName = Literal["error", "warning"]
PlatformName = Literal["amazon", "tiktok", "shopee", "lazada"]
# "open" excludes snoozed groups (they leave the default view); "snoozed" shows only them.
StatusName = Literal["open", "snoozed", "handled", "archived", "all"]
SortName = Literal["last_seen", "count", "first_seen"]

DEFAULT_WINDOW = timedelta(days=7)


class ErrorFilter(BaseModel):
    """Which error groups a board view shows. Lists are OR within a field, AND across fields."""

    model_config = ConfigDict(extra="forbid")

    severity: list[SeverityName] = Field(default_factory=list)
    error_type: list[ErrorType] = Field(default_factory=list)
    platform: list[PlatformName] = Field(default_factory=list)
    shop_id: list[uuid.UUID] = Field(default_factory=list)
    strategy_id: list[uuid.UUID] = Field(default_factory=list)
    assignee: list[Text] = Field(default_factory=list, description="user ids, or 'me'")
    status: StatusName = "open"
    since: UtcDateTime | None = Field(default=None, description="last_seen at or after; default 7 days ago")
    until: UtcDateTime | None = Field(default=None, description="last_seen before; default now")
    q: Text | None = Field(default=None, max_length=200, description="SKU, message, platform code or trace id")
    _search_hits: tuple[uuid.UUID, ...] | None = PrivateAttr(default=None)  # set by with_search_hits
    _search_types: tuple[str, ...] = PrivateAttr(default=())  # the error types q describes, set with the hits

    @model_validator(mode="after")
    def _window(self) -> ErrorFilter:
        check_window(self.since, self.until)
        for value in self.assignee:
            if value != "me":
                try:
                    uuid.UUID(value)
                except ValueError as exc:
                    raise ValueError(f"assignee {value!r} is neither a user id nor 'me'") from exc
        return self

    def window(self, now: datetime | None = None) -> tuple[datetime, datetime | None]:
        now = now or datetime.now(UTC)
        return (self.since or (self.until or now) - DEFAULT_WINDOW), self.until

    @property
    def search_hits(self) -> tuple[uuid.UUID, ...] | None:
        """The groups `q` matched, once with_search_hits has run it."""
        return self._search_hits

    @property
    def search_types(self) -> tuple[str, ...]:
        """The error types `q` describes (their titles or suggestions contain it), once with_search_hits has run."""
        return self._search_types

    def merged_over(self, saved: dict[str, Any]) -> ErrorFilter:
        """This filter's explicitly set fields over a saved view's filters."""
        return ErrorFilter.model_validate({**saved, **self.model_dump(exclude_unset=True)})


def error_filter_query(
    severity: Annotated[list[SeverityName] | None, Query()] = None,
    error_type: Annotated[list[ErrorType] | None, Query()] = None,
    platform: Annotated[list[PlatformName] | None, Query()] = None,
    shop_id: Annotated[list[uuid.UUID] | None, Query()] = None,
    strategy_id: Annotated[list[uuid.UUID] | None, Query()] = None,
    assignee: Annotated[list[Text] | None, Query(description="user ids, or 'me'")] = None,
    status: Annotated[StatusName | None, Query()] = None,
    since: Annotated[UtcDateTime | None, Query(description="RFC 3339; default 7 days before until")] = None,
    until: Annotated[UtcDateTime | None, Query(description="RFC 3339; default now")] = None,
    q: Annotated[Text | None, Query(max_length=200)] = None,
) -> ErrorFilter:
    """Query-string form of ErrorFilter (repeat a parameter for several values). Only given fields count as set,
    so a saved view's values fill the rest."""
    given = {k: v for k, v in locals().items() if v is not None}
    try:
        return ErrorFilter.model_validate(given)
    except ValidationError as exc:  # a rule across fields (since > until): answer 422 like any bad parameter
        raise RequestValidationError(exc.errors(include_url=False, include_context=False)) from exc


_SEARCH_ESCAPE = str.maketrans({"%": r"\%", "_": r"\_", "\\": "\\\\"})

# What people call an error type: its code, titles and suggestions in both languages, lower-cased once.
_TYPE_TEXTS: dict[str, str] = {
    kind.value: " ".join((kind.value, info.title_zh, info.title_en, info.suggestion_zh, info.suggestion_en)).casefold()
    for kind, info in TAXONOMY.items()
}


def error_types_described_by(q: str) -> tuple[str, ...]:
    """The error types whose code, title or suggestion (zh-CN or English) contains q, any case: 「授权」 or
    "authoris" names AUTH_EXPIRED and AUTH_SCOPE_MISSING. A Latin term matches from the start of a word ("ice"
    does not name the price types), and one character names nothing (it would name every type)."""
    term = q.strip().casefold()
    if len(term) < 2:
        return ()
    pattern = re.compile(r"(?<![0-9a-z])" + re.escape(term))
    return tuple(kind for kind, text in _TYPE_TEXTS.items() if pattern.search(text))


def group_conditions(
    principal: Principal, f: ErrorFilter, *, now: datetime | None = None, dimension_free: str | None = None
) -> list[ColumnElement[bool]]:
    """WHERE conditions of a filter on error_groups. `dimension_free` leaves one facet dimension unfiltered."""
    facets = facet_conditions(f)
    return common_conditions(principal, f, now=now) + [c for name, c in facets.items() if name != dimension_free]


def common_conditions(
    principal: Principal, f: ErrorFilter, *, now: datetime | None = None
) -> list[ColumnElement[bool]]:
    """The filter's conditions other than the facet dimensions (tenant, status, window, assignee, search)."""
    now = now or datetime.now(UTC)
    g = ErrorGroup
    conditions: list[ColumnElement[bool]] = [g.tenant_id == principal.tenant_id]
    not_snoozed = and_(or_(g.snoozed_until.is_(None), g.snoozed_until <= now), g.snoozed_until_count.is_(None))
    if f.status == "open":
        conditions += [g.status == "open", not_snoozed]
    elif f.status == "snoozed":
        conditions += [g.status == "open", ~not_snoozed]
    elif f.status != "all":
        conditions.append(g.status == f.status)
    since, until = f.window(now)
    conditions.append(g.last_seen >= since)
    if until is not None:
        conditions.append(g.last_seen < until)
    if f.assignee:
        ids = [principal.id if a == "me" else uuid.UUID(a) for a in f.assignee]
        conditions.append(g.assignee_id.in_([i for i in ids if i is not None]))
    if f.q:
        conditions.append(_search(f))
    return conditions


FACET_COLUMNS: dict[str, Any] = {
    "severity": ErrorGroup.severity,
    "error_type": ErrorGroup.error_type,
    "platform": ErrorGroup.platform,
    "shop_id": ErrorGroup.shop_id,
    "strategy_id": ErrorGroup.strategy_id,
}


def facet_values(f: ErrorFilter) -> dict[str, list[Any]]:
    """The values the filter restricts each facet dimension to (an empty list: not restricted)."""
    return {
        "severity": list(f.severity),
        "error_type": [t.value for t in f.error_type],
        "platform": list(f.platform),
        "shop_id": list(f.shop_id),
        "strategy_id": list(f.strategy_id),
    }


def facet_conditions(f: ErrorFilter) -> dict[str, ColumnElement[bool]]:
    """One IN condition per facet dimension the filter restricts."""
    return {name: FACET_COLUMNS[name].in_(v) for name, v in facet_values(f).items() if v}


def event_facet_conditions(f: ErrorFilter) -> list[ColumnElement[bool]]:
    """The same facet conditions on error_events, which carry each dimension themselves (alert rules count events
    with them, so a rule and the board filter alike)."""
    return [getattr(ErrorEvent, name).in_(v) for name, v in facet_values(f).items() if v]


def _search(f: ErrorFilter) -> ColumnElement[bool]:
    if f.search_hits is None:
        raise RuntimeError("the filter's search was not run: pass the filter through with_search_hits first")
    hits = ErrorGroup.id == any_(bindparam(None, list(f.search_hits), type_=ARRAY(Uuid)))
    if not f.search_types:
        return hits
    # error_type is in the board index as id is: the OR is tested on the index entries, no row is visited for it.
    return or_(hits, ErrorGroup.error_type == any_(bindparam(None, list(f.search_types), type_=ARRAY(String))))


async def with_search_hits(session: AsyncSession, principal: Principal, f: ErrorFilter) -> ErrorFilter:
    """Run the filter's search `q` once and keep the ids of the groups it matches: those whose SKU, platform code
    or latest message contains q (any case), and those one of whose events cites the trace q; and the error types
    whose titles or suggestions contain q (matched in Python against the taxonomy, tested as error_type = ANY).

    The text part is the database function error_groups_matching (migration 0009): under row-level security LIKE
    cannot use the trigram index, the function can, and it returns only the transaction's tenant's ids. The board's
    statements then carry the ids as an array whose length their plan is made for: a rare term's few groups are
    looked up by key, a common term's many are tested while walking the board index newest first."""
    if not f.q or f.search_hits is not None:
        return f
    q = f.q.strip()
    like = f"%{q.translate(_SEARCH_ESCAPE)}%"
    by_text = select(func.error_groups_matching(like).table_valued("group_id").c.group_id)
    by_trace = select(ErrorEvent.group_id).where(ErrorEvent.tenant_id == principal.tenant_id, ErrorEvent.trace_id == q)
    matching = func.array(union_all(by_text, by_trace).scalar_subquery(), type_=ARRAY(Uuid))
    # The rest of the transaction plans each statement for its array (SET LOCAL, in the same round trip): a
    # generic plan would assume some ten ids whatever the search found.
    custom_plans = func.set_config("plan_cache_mode", "force_custom_plan", true())
    hits, _ = (await session.execute(select(matching, custom_plans))).one()  # one array: no row per hit
    resolved = f.model_copy()
    resolved._search_hits = tuple(hits)
    resolved._search_types = error_types_described_by(q)
    return resolved


def all_of(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    return and_(*conditions) if conditions else true()
