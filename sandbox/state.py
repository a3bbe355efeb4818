"""The sandbox's memory: sandbox clock, catalogs, issued tokens, queued changes and the ledger of applied ones.

Every mutation is an event applied by one function (`_apply`). With a state file, each event is also appended to
it as one JSON line, and a restarted sandbox replays them over the scenario: the ledger, catalogs, tokens and
clock come back exactly (a torn last line from a crash is ignored). Rate buckets and fault dice are not kept.

The sandbox clock is the wall clock plus an offset that tests move forward (`advance`), so tokens expire and
delayed confirmations land without sleeping. Queued changes are applied lazily: every request first calls
`settle()`, which applies every change whose time has come, in order.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sandbox.scenario import Faults, ListingStateSpec, OperationName, Scenario, ShopSpec, SkuSpec


class StateFileError(RuntimeError):
    """The state file cannot be used with this scenario."""


@dataclass
class Listing:
    """One SKU as the platform holds it. `attributes` keeps whatever platform-specific data a write carried."""

    sku: str
    category: str
    price: Decimal
    currency: str
    stock: int
    title: str = ""
    item_id: str | None = None
    variant_id: str | None = None
    sale_price: Decimal | None = None
    image_url: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    # The platform-side refusal of the listing ({"status", "reasons"}), None while it is healthy.
    platform_state: dict[str, Any] | None = None
    created_at: datetime = field(default_factory=lambda: datetime(2024, 1, 1, tzinfo=UTC))
    updated_at: datetime = field(default_factory=lambda: datetime(2024, 1, 1, tzinfo=UTC))

    def snapshot(self) -> dict[str, Any]:
        return {
            "sku": self.sku,
            "item_id": self.item_id,
            "variant_id": self.variant_id,
            "title": self.title,
            "category": self.category,
            "price": str(self.price),
            "sale_price": str(self.sale_price) if self.sale_price is not None else None,
            "currency": self.currency,
            "stock": self.stock,
            "image_url": self.image_url,
            "updated_at": _iso(self.updated_at),
            "platform_state": self.platform_state,
        }


@dataclass
class Change:
    """An accepted write waiting for its effect. `values` holds what it sets: any of price, sale_price, stock,
    title, category, image_url, item_id, variant_id, attributes (merged); `create` makes a missing listing."""

    id: str
    shop_id: str
    sku: str
    request_id: str
    operation: OperationName
    values: dict[str, Any]
    requested_at: datetime
    due_at: datetime | None  # None: lost, never applied
    create: bool = False


@dataclass(frozen=True)
class LedgerEntry:
    seq: int
    shop_id: str
    sku: str
    request_id: str
    operation: str
    values: dict[str, Any]
    before: dict[str, Any] | None  # the listing before (None when the change created it)
    requested_at: str
    applied_at: str


@dataclass
class IssuedToken:
    token: str
    shop_id: str
    kind: str  # "access" or "refresh"
    expires_at: datetime | None
    revoked: bool = False
    used: bool = False  # a single-use refresh token that was spent


class ShopState:
    def __init__(self, spec: ShopSpec, seed: int) -> None:
        self.spec = spec
        self.faults: Faults = spec.faults
        self.catalog: dict[str, Listing] = {}
        for item in spec.expand_catalog(seed):
            self.catalog[item.sku] = _listing(item, spec.currency)
        for sku, state in spec.listing_states.items():
            self.catalog[sku].platform_state = state.model_dump(mode="json")
        # Other items carrying a seller SKU of the catalog: read-only, seen by the listing APIs only.
        self.duplicates: list[Listing] = [_listing(item, spec.currency) for item in spec.catalog.duplicates]

    def listings(self) -> list[Listing]:
        """Every listing the shop's listing API pages through: the catalog, then the duplicates."""
        return [*self.catalog.values(), *self.duplicates]

    @property
    def id(self) -> str:
        return self.spec.id


def _listing(item: SkuSpec, currency: str) -> Listing:
    return Listing(
        sku=item.sku,
        category=item.category,
        price=item.price,
        currency=currency,
        stock=item.stock,
        title=item.title,
        item_id=item.item_id,
        variant_id=item.variant_id,
        sale_price=item.sale_price,
        image_url=item.image_url,
    )


class SandboxState:
    def __init__(self, scenario: Scenario, state_path: str | Path | None = None) -> None:
        self.scenario = scenario
        self.state_path = Path(state_path) if state_path else None
        self.fingerprint = hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()
        self._rebuild()
        if self.state_path is not None:
            self._load_journal(self.state_path)

    # -- clock ---------------------------------------------------------------------------------------------

    def now(self) -> datetime:
        return datetime.fromtimestamp(time.time() + self.clock_offset, UTC)

    def advance(self, seconds: float) -> datetime:
        self._commit({"type": "clock", "offset": self.clock_offset + seconds})
        self.settle()
        return self.now()

    # -- shops and tokens ----------------------------------------------------------------------------------

    def shop(self, shop_id: str) -> ShopState:
        return self.shops[shop_id]

    def token(self, token: str, kind: str) -> IssuedToken | None:
        found = self.tokens.get(token)
        return found if found is not None and found.kind == kind else None

    def token_status(self, token: str | None, kind: str) -> tuple[str, ShopState | None]:
        """("ok" | "expired" | "revoked" | "used" | "unknown", the shop the token belongs to)."""
        found = self.token(token, kind) if token else None
        if found is None:
            return "unknown", None
        shop = self.shops[found.shop_id]
        if found.revoked or shop.faults.revoked:
            return "revoked", shop
        if found.used:
            return "used", shop
        if found.expires_at is not None and found.expires_at <= self.now():
            return "expired", shop
        return "ok", shop

    def issue_tokens(
        self,
        shop_id: str,
        *,
        access_ttl: int,
        refresh_ttl: int | None = None,
        rotate_from: str | None = None,
        prefix: str = "",
        old_access_grace: int | None = None,
    ) -> tuple[IssuedToken, IssuedToken]:
        """A new access token; with `rotate_from`, also a new refresh token that replaces (spends) that one.
        Without it, the current refresh token is returned unchanged (platforms that do not rotate).
        With `old_access_grace`, the shop's earlier access tokens die that many seconds from now (Shopee: 300)."""
        now = self.now()
        access = f"{prefix}{secrets.token_urlsafe(24)}"
        event: dict[str, Any] = {
            "type": "tokens",
            "shop": shop_id,
            "access_token": access,
            "access_expires_at": _iso(now + timedelta(seconds=access_ttl)),
        }
        if rotate_from is not None:
            event["refresh_token"] = f"{prefix}{secrets.token_urlsafe(24)}"
            event["refresh_expires_at"] = _iso(now + timedelta(seconds=refresh_ttl)) if refresh_ttl else None
            event["spent"] = rotate_from
        if old_access_grace is not None:
            event["old_access_until"] = _iso(now + timedelta(seconds=old_access_grace))
        self._commit(event)
        refresh = self.tokens[event["refresh_token"]] if rotate_from is not None else self._refresh_of(shop_id)
        return self.tokens[access], refresh

    def _refresh_of(self, shop_id: str) -> IssuedToken:
        live = [t for t in self.tokens.values() if t.shop_id == shop_id and t.kind == "refresh" and not t.used]
        return live[-1]

    # -- changes and the ledger ----------------------------------------------------------------------------

    def queue_change(
        self,
        shop_id: str,
        sku: str,
        operation: OperationName,
        values: dict[str, Any],
        *,
        request_id: str,
        create: bool = False,
    ) -> Change:
        """Queue an accepted write; it applies after the shop's confirmation delay (never, for a lost SKU)."""
        shop = self.shops[shop_id]
        now = self.now()
        faults = shop.faults
        delay = shop.spec.confirmation_delay_seconds
        if faults.slow_confirmation is not None and sku in faults.slow_confirmation.skus:
            delay = faults.slow_confirmation.delay_seconds
        lost = sku in faults.lost_confirmation_skus
        change_id = secrets.token_hex(8)
        self._commit(
            {
                "type": "queued",
                "id": change_id,
                "shop": shop_id,
                "sku": sku,
                "request_id": request_id,
                "operation": operation,
                "values": _jsonable(values),
                "requested_at": _iso(now),
                "due_at": None if lost else _iso(now + timedelta(seconds=delay)),
                "create": create,
            }
        )
        self.settle()  # a zero delay applies at once
        return self.pending[change_id] if change_id in self.pending else self._done[change_id]

    def settle(self) -> None:
        """Apply every queued change that is due, oldest first."""
        now = self.now()
        due = sorted(
            (c for c in self.pending.values() if c.due_at is not None and c.due_at <= now),
            key=lambda c: (c.due_at or now, c.requested_at),
        )
        for change in due:
            self._commit({"type": "applied", "id": change.id, "applied_at": _iso(max(now, change.due_at or now))})

    def ledger_entries(
        self, shop_id: str | None = None, sku: str | None = None, request_id: str | None = None
    ) -> list[LedgerEntry]:
        self.settle()
        return [
            e
            for e in self.ledger
            if (shop_id is None or e.shop_id == shop_id)
            and (sku is None or e.sku == sku)
            and (request_id is None or e.request_id == request_id)
        ]

    def pending_changes(self, shop_id: str | None = None, sku: str | None = None) -> list[Change]:
        self.settle()
        return [
            c
            for c in self.pending.values()
            if (shop_id is None or c.shop_id == shop_id) and (sku is None or c.sku == sku)
        ]

    def set_faults(self, shop_id: str, faults: Faults) -> None:
        self._commit({"type": "faults", "shop": shop_id, "faults": faults.model_dump(mode="json")})

    def set_listing_state(self, shop_id: str, sku: str, state: ListingStateSpec | None) -> None:
        """Put one listing in a platform-side state, or back to healthy (None)."""
        value = state.model_dump(mode="json") if state is not None else None
        self._commit({"type": "listing_state", "shop": shop_id, "sku": sku, "state": value})

    def reset(self) -> None:
        """Back to the scenario as loaded: catalogs, tokens, clock; the ledger is emptied."""
        self._commit({"type": "reset"})

    # -- events --------------------------------------------------------------------------------------------

    def _rebuild(self) -> None:
        self.clock_offset = 0.0
        self.shops = {spec.id: ShopState(spec, self.scenario.seed) for spec in self.scenario.shops}
        self.pending: dict[str, Change] = {}
        self._done: dict[str, Change] = {}
        self.ledger: list[LedgerEntry] = []
        self.tokens: dict[str, IssuedToken] = {}
        # Initial tokens count from the sandbox's start: the wall-clock moment of the first start, kept in the
        # state file, so a restart does not make an expired scenario token valid again.
        self.started_at = datetime.now(UTC)
        self._seed_tokens()

    def _seed_tokens(self) -> None:
        for spec in self.scenario.shops:
            t = spec.tokens
            self.tokens[t.access_token] = IssuedToken(
                t.access_token, spec.id, "access", self.started_at + timedelta(seconds=t.access_expires_in)
            )
            refresh_expiry = (
                self.started_at + timedelta(seconds=t.refresh_expires_in) if t.refresh_expires_in is not None else None
            )
            self.tokens[t.refresh_token] = IssuedToken(t.refresh_token, spec.id, "refresh", refresh_expiry)

    def _commit(self, event: dict[str, Any]) -> None:
        self._apply(event)
        if self.state_path is not None:
            with self.state_path.open("a", encoding="utf-8") as journal:
                journal.write(json.dumps(event, separators=(",", ":")) + "\n")
                journal.flush()
                os.fsync(journal.fileno())  # an applied change must survive a killed sandbox

    def _apply(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        if kind == "start":
            self.started_at = _parse_time(event["started_at"])
            self.tokens = {}
            self._seed_tokens()
        elif kind == "clock":
            self.clock_offset = float(event["offset"])
        elif kind == "tokens":
            shop = event["shop"]
            self.tokens[event["access_token"]] = IssuedToken(
                event["access_token"], shop, "access", _parse_time(event["access_expires_at"])
            )
            if "refresh_token" in event:
                expires = event.get("refresh_expires_at")
                self.tokens[event["refresh_token"]] = IssuedToken(
                    event["refresh_token"], shop, "refresh", _parse_time(expires) if expires else None
                )
                spent = self.tokens.get(event.get("spent") or "")
                if spent is not None:
                    spent.used = True
            if event.get("old_access_until"):
                until = _parse_time(event["old_access_until"])
                for old in self.tokens.values():
                    if old.shop_id == shop and old.kind == "access" and old.token != event["access_token"]:
                        old.expires_at = until if old.expires_at is None else min(old.expires_at, until)
        elif kind == "queued":
            change = Change(
                id=event["id"],
                shop_id=event["shop"],
                sku=event["sku"],
                request_id=event["request_id"],
                operation=event["operation"],
                values=event["values"],
                requested_at=_parse_time(event["requested_at"]),
                due_at=_parse_time(event["due_at"]) if event["due_at"] else None,
                create=bool(event.get("create")),
            )
            self.pending[change.id] = change
        elif kind == "applied":
            self._apply_change(self.pending.pop(event["id"]), _parse_time(event["applied_at"]))
        elif kind == "faults":
            self.shops[event["shop"]].faults = Faults.model_validate(event["faults"])
        elif kind == "listing_state":
            listing = self.shops[event["shop"]].catalog.get(event["sku"])
            if listing is not None:
                listing.platform_state = event["state"]
        elif kind == "reset":
            started = self.started_at
            self._rebuild()
            self.started_at = started
            self.tokens = {}
            self._seed_tokens()
        else:
            raise StateFileError(f"unknown state event {kind!r}")

    def _apply_change(self, change: Change, applied_at: datetime) -> None:
        self._done[change.id] = change
        shop = self.shops[change.shop_id]
        listing = shop.catalog.get(change.sku)
        if listing is None and not change.create:
            return  # the platform accepted a write for a SKU it does not hold: nothing to apply
        before = listing.snapshot() if listing is not None else None
        if listing is None:
            listing = Listing(
                sku=change.sku,
                category=str(change.values.get("category") or ""),
                price=Decimal(str(change.values.get("price") or "0")),
                currency=shop.spec.currency,
                stock=int(change.values.get("stock") or 0),
                created_at=applied_at,
            )
            shop.catalog[change.sku] = listing
        _set_values(listing, change.values)
        listing.updated_at = applied_at
        self.ledger.append(
            LedgerEntry(
                seq=len(self.ledger) + 1,
                shop_id=change.shop_id,
                sku=change.sku,
                request_id=change.request_id,
                operation=change.operation,
                values=change.values,
                before=before,
                requested_at=_iso(change.requested_at),
                applied_at=_iso(applied_at),
            )
        )

    def _load_journal(self, path: Path) -> None:
        header = {"type": "scenario", "fingerprint": self.fingerprint}
        if not path.exists() or path.stat().st_size == 0:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8") as journal:
                journal.write(json.dumps(header) + "\n")
            self._commit({"type": "start", "started_at": _iso(self.started_at)})
            return
        lines = path.read_text(encoding="utf-8").splitlines()
        try:
            first = json.loads(lines[0])
        except (IndexError, json.JSONDecodeError):
            first = {}
        if first.get("type") != "scenario":
            raise StateFileError(f"{path} is not a sandbox state file")
        if first.get("fingerprint") != self.fingerprint:
            raise StateFileError(f"{path} was written for another scenario; delete it or choose another state file")
        for number, line in enumerate(lines[1:], start=2):
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                if number == len(lines):
                    break  # the last line was torn by a crash mid-write: that event never completed
                raise StateFileError(f"{path}: line {number} is not JSON") from None
            self._apply(event)


def ledger_entry_json(entry: LedgerEntry) -> dict[str, Any]:
    return asdict(entry)


def change_json(change: Change) -> dict[str, Any]:
    return {
        "id": change.id,
        "shop_id": change.shop_id,
        "sku": change.sku,
        "request_id": change.request_id,
        "operation": change.operation,
        "values": change.values,
        "requested_at": _iso(change.requested_at),
        "due_at": _iso(change.due_at) if change.due_at else None,
        "lost": change.due_at is None,
    }


_DECIMAL_FIELDS = ("price", "sale_price")
_PLAIN_FIELDS = ("title", "category", "image_url", "item_id", "variant_id")


def _set_values(listing: Listing, values: dict[str, Any]) -> None:
    for name in _DECIMAL_FIELDS:
        if name in values:
            value = values[name]
            setattr(listing, name, Decimal(str(value)) if value is not None else None)
    if "stock" in values:
        listing.stock = int(values["stock"])
    for name in _PLAIN_FIELDS:
        if name in values and values[name] is not None:
            setattr(listing, name, str(values[name]))
    if isinstance(values.get("attributes"), dict):
        listing.attributes.update(values["attributes"])


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, as the platforms write timestamps."""
    return _iso(moment)
