"""The sandbox ASGI app: each platform emulator mounted under its prefixes, plus the sandbox-only `/_sandbox` hooks.

Adding a platform: write `sandbox/<platform>.py` with a `mounts(sandbox) -> dict[prefix, ASGI app]`
function and list it in EMULATORS; see the package README ("Writing an emulator").
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, BackgroundTasks, FastAPI, HTTPException, Query
from pydantic import BaseModel
from starlette.requests import Request
from starlette.types import ASGIApp

from sandbox import robots
from sandbox.faults import Faults as FaultEngine
from sandbox.notify import Notifier, Outgoing
from sandbox.scenario import LISTING_STATES, Faults, ListingStateSpec, Scenario, load_scenario
from sandbox.state import SandboxState, ShopState, change_json, iso, ledger_entry_json

# The emulator modules; each `mounts(sandbox)` returns its path prefixes (e.g. /amazon and /lwa) and their apps.
EMULATORS = (
    "sandbox.amazon",
    "sandbox.tiktok",
    "sandbox.shopee",
    "sandbox.lazada",
)


class Sandbox:
    """What every emulator gets: the scenario, the state (clock, catalogs, tokens, ledger) and the fault gate."""

    def __init__(
        self, scenario: Scenario, state_path: str | Path | None = None, hooks_allow_remote: bool | None = None
    ) -> None:
        self.scenario = scenario
        self.state = SandboxState(scenario, state_path)
        self.faults = FaultEngine(self.state)
        self.notifier = Notifier(hooks_allow_remote)

    def shops_of(self, platform: str) -> list[ShopState]:
        return [shop for shop in self.state.shops.values() if shop.spec.platform == platform]


Mounts = Callable[[Sandbox], Mapping[str, ASGIApp]]


def create_app(
    scenario: Scenario | str | Path | None = None,
    state_path: str | Path | None = None,
    *,
    hooks_allow_remote: bool | None = None,
) -> FastAPI:
    """The sandbox app for a scenario (a parsed one, a file path, or the shipped default when None).
    `hooks_allow_remote` lets notifications go to non-loopback URLs (default: OPENCLAW_SANDBOX_HOOKS_ALLOW_REMOTE)."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    sandbox = Sandbox(scenario, state_path, hooks_allow_remote)
    app = FastAPI(
        title="OpenClaw platform sandbox",
        description="Local emulator of Amazon SP-API, TikTok Shop, Shopee and Lazada. Not a real platform.",
        docs_url="/_sandbox/docs",
        openapi_url="/_sandbox/openapi.json",
        redoc_url=None,
    )
    app.state.sandbox = sandbox
    app.include_router(_control_router(sandbox))
    app.include_router(robots.router(robots.Robots()))
    for module_name in EMULATORS:
        mounts: Mounts = importlib.import_module(module_name).mounts
        for prefix, sub_app in mounts(sandbox).items():
            app.mount(prefix, sub_app)
    return app


def serve(host: str, port: int, scenario_path: str | None, state_path: str | None) -> None:
    """Run the sandbox with uvicorn until interrupted (`openclaw sandbox`)."""
    import uvicorn

    app = create_app(load_scenario(scenario_path), state_path)
    uvicorn.run(app, host=host, port=port, log_level="info")


# -----------------------------------------------------------------------------------------------------------
# /_sandbox: test and demo hooks (no real platform has these)


class ClockMove(BaseModel):
    advance_seconds: float = 0.0


class HooksConfig(BaseModel):
    """Where each sandbox shop's platform notifications go: {sandbox shop id: the receiver's URL for it}."""

    urls: dict[str, str] = {}


class ListingStateChange(BaseModel):
    """A listing's new platform-side state; `status` null puts it back to healthy."""

    status: str | None = None
    reasons: list[dict[str, Any]] = []


def _control_router(sandbox: Sandbox) -> APIRouter:
    router = APIRouter(prefix="/_sandbox", tags=["sandbox"])
    state = sandbox.state

    @router.get("/ledger", operation_id="sandbox-ledger")
    def ledger(shop: str | None = None, sku: str | None = None, request_id: str | None = None) -> dict[str, Any]:
        """Changes applied to the platforms' catalogs, oldest first: one entry per applied item and request."""
        entries = [ledger_entry_json(e) for e in state.ledger_entries(shop, sku, request_id)]
        return {"count": len(entries), "entries": entries}

    @router.get("/pending", operation_id="sandbox-pending")
    def pending(shop: str | None = None, sku: str | None = None) -> dict[str, Any]:
        """Accepted changes not applied yet (lost ones stay here forever, with `lost: true`)."""
        changes = [change_json(c) for c in state.pending_changes(shop, sku)]
        return {"count": len(changes), "changes": changes}

    @router.get("/listing", operation_id="sandbox-listing")
    def listing(shop: str = Query(), sku: str = Query()) -> dict[str, Any]:
        """The platform's current view of one SKU (after settling due changes)."""
        state.settle()
        found = _shop(sandbox, shop).catalog.get(sku)
        if found is None:
            raise HTTPException(404, f"shop {shop} has no SKU {sku!r}")
        return found.snapshot()

    @router.get("/clock", operation_id="sandbox-clock")
    def clock() -> dict[str, Any]:
        return {"now": iso(state.now()), "offset_seconds": state.clock_offset}

    @router.post("/clock", operation_id="sandbox-clock-advance")
    def advance(move: ClockMove) -> dict[str, Any]:
        """Move the sandbox clock forward: tokens expire and due confirmations apply, without sleeping."""
        if move.advance_seconds < 0:
            raise HTTPException(422, "the sandbox clock only moves forward")
        now = state.advance(move.advance_seconds)
        return {"now": iso(now), "offset_seconds": state.clock_offset}

    @router.post("/reset", operation_id="sandbox-reset")
    def reset() -> dict[str, Any]:
        """Back to the scenario: catalogs, tokens, clock and faults as loaded; ledger and pending emptied."""
        state.reset()
        sandbox.faults.reset()
        return {"reset": True, "now": iso(state.now())}

    @router.get("/shops", operation_id="sandbox-shops")
    def shops(request: Request) -> dict[str, Any]:
        """Every shop with what a client needs to connect: base URLs, credentials, current tokens."""
        base = str(request.base_url).rstrip("/")
        return {"shops": [_shop_json(sandbox, shop_id, base) for shop_id in state.shops]}

    @router.put("/shops/{shop_id}/faults", operation_id="sandbox-shop-faults")
    def set_faults(shop_id: str, faults: Faults, background: BackgroundTasks) -> dict[str, Any]:
        """Replace one shop's faults at run time (kept in the state file; undone by reset). Revoking the shop's
        authorisation sends the platform's deauthorisation notification, when hooks are configured."""
        shop = _shop(sandbox, shop_id)
        was_revoked = shop.faults.revoked
        state.set_faults(shop_id, faults)
        sandbox.faults.reset()
        if faults.revoked and not was_revoked:
            _notify(background, sandbox.notifier, sandbox.notifier.deauthorised(shop))
        return {"shop": shop_id, "faults": faults.model_dump(mode="json")}

    @router.get("/hooks", operation_id="sandbox-hooks")
    def hooks() -> dict[str, Any]:
        """Where notifications go, and the latest deliveries (status, or the error), oldest first."""
        return sandbox.notifier.describe()

    @router.put("/hooks", operation_id="sandbox-hooks-set")
    def set_hooks(config: HooksConfig) -> dict[str, Any]:
        """Set where each shop's notifications go (loopback URLs only, unless allowed); `{}` stops them."""
        try:
            sandbox.notifier.configure(config.urls, set(state.shops))
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        return sandbox.notifier.describe()

    @router.put("/shops/{shop_id}/listings/{sku:path}/state", operation_id="sandbox-listing-state")
    def set_listing_state(
        shop_id: str, sku: str, change: ListingStateChange, background: BackgroundTasks
    ) -> dict[str, Any]:
        """Set or clear one listing's platform-side state (kept in the state file; undone by reset). A refusal, or
        the clearing of one, sends the platform's notification about the listing, when hooks are configured."""
        shop = _shop(sandbox, shop_id)
        if sku not in shop.catalog:
            raise HTTPException(404, f"shop {shop_id} has no SKU {sku!r}")
        words = LISTING_STATES[shop.spec.platform]
        if change.status is not None and change.status not in words:
            raise HTTPException(422, f"{change.status!r} is not one of {shop.spec.platform}'s {sorted(words)}")
        spec = ListingStateSpec(status=change.status, reasons=change.reasons) if change.status else None
        was_refused = shop.catalog[sku].platform_state is not None
        state.set_listing_state(shop_id, sku, spec)
        if spec is not None or was_refused:
            _notify(background, sandbox.notifier, sandbox.notifier.listing_changed(shop, shop.catalog[sku]))
        return {"shop": shop_id, "sku": sku, "platform_state": shop.catalog[sku].platform_state}

    return router


def _notify(background: BackgroundTasks, notifier: Notifier, outgoing: Outgoing | None) -> None:
    """Send after the hook's answer: the sandbox's own request never waits on the receiver."""
    if outgoing is not None:
        background.add_task(notifier.send, outgoing)


def _shop(sandbox: Sandbox, shop_id: str) -> ShopState:
    try:
        return sandbox.state.shop(shop_id)
    except KeyError:
        raise HTTPException(404, f"no shop {shop_id!r} in this scenario") from None


# The prefixes of each platform's API and token hosts, for the /_sandbox/shops listing.
BASE_PREFIXES: dict[str, tuple[str, str]] = {
    "amazon": ("/amazon", "/lwa"),
    "tiktok": ("/tiktok", "/tiktok-auth"),
    "shopee": ("/shopee", "/shopee"),
    "lazada": ("/lazada", "/lazada-auth"),
}


def _shop_json(sandbox: Sandbox, shop_id: str, base: str) -> dict[str, Any]:
    shop = sandbox.state.shop(shop_id)
    spec = shop.spec
    api, auth = BASE_PREFIXES[spec.platform]
    live: dict[str, tuple[str, datetime | None]] = {}
    for token in sandbox.state.tokens.values():
        if token.shop_id == shop_id and not token.used and not token.revoked:
            live[token.kind] = (token.token, token.expires_at)  # the newest of each kind wins
    access, refresh = live.get("access"), live.get("refresh")
    return {
        "id": spec.id,
        "name": spec.name,
        "platform": spec.platform,
        "market": spec.market,
        "currency": spec.currency,
        "base_url": base + api,
        "auth_base_url": base + auth,
        "credentials": dict(spec.credentials),
        "access_token": access[0] if access else None,
        "access_expires_at": iso(access[1]) if access and access[1] else None,
        "refresh_token": refresh[0] if refresh else None,
        "refresh_expires_at": iso(refresh[1]) if refresh and refresh[1] else None,
        "sku_count": len(shop.catalog),
        "listing_count": len(shop.listings()),
    }
