"""A new seller connects every shop of the sandbox's default scenario and runs one catalog sync each: every listing
the platform's listing API pages through is bound, the refused ones are on the board in the platform's own words,
and the one shop whose token was revoked fails its sync with that reason. The figures are sandbox/README.md's."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.pushes.conftest import PushWorld, Tenant

# shop -> (listings its API pages through, refused SKUs, seller SKUs found on two items)
EXPECTED: dict[str, tuple[int, set[str], set[str]]] = {
    "amazon-us": (798, {"AMZ-US-00101", "AMZ-US-00102", "AMZ-US-00103"}, set()),
    "amazon-ca": (400, {"AMZ-CA-00101", "AMZ-CA-00102"}, set()),
    "amazon-uk": (500, {"AMZ-UK-00101", "AMZ-UK-00102"}, set()),
    "amazon-de": (500, {"AMZ-DE-00101", "AMZ-DE-00102"}, set()),
    "amazon-jp": (400, {"AMZ-JP-00101", "AMZ-JP-00102"}, set()),
    "tiktok-us": (600, {"TTS-US-00101", "TTS-US-00102"}, {"TTS-US-00005"}),
    "shopee-my": (500, {"SHP-MY-00101", "SHP-MY-00102", "SHP-MY-00103"}, {"SHP-MY-00005"}),
    "shopee-th": (500, {"SHP-TH-00101", "SHP-TH-00102"}, set()),
    "shopee-ph": (400, {"SHP-PH-00101", "SHP-PH-00102"}, set()),
    "lazada-my": (499, {"LZD-MY-00101", "LZD-MY-00102"}, set()),
    "lazada-th": (500, {"LZD-TH-00101", "LZD-TH-00102"}, set()),
}
REVOKED = "tiktok-uk"


async def _all_groups(world: PushWorld, tenant: Tenant, **params: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = {"limit": "200", **params, **({"cursor": cursor} if cursor else {})}
        answer = await world.client.get("/v1/errors", params=page, headers=tenant.headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        found += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            return found


async def test_connecting_every_demo_shop_and_syncing_binds_every_listing(world: PushWorld) -> None:
    tenant = await world.tenant([*EXPECTED, REVOKED])
    started = {}
    for key, shop_id in tenant.shops.items():
        answer = await world.client.post(f"/v1/shops/{shop_id}/catalog-sync", headers=tenant.headers)
        assert answer.status_code == 202, answer.text
        started[key] = answer.json()["task_id"]
    tasks = dict(
        zip(
            started,
            await asyncio.gather(
                *(world.wait_task(tenant, t, until={"succeeded", "failed"}, seconds=240) for t in started.values())
            ),
            strict=True,
        )
    )

    revoked = tasks.pop(REVOKED)
    # TikTok's own words for a revoked authorisation, classified as such.
    assert revoked["status"] == "failed" and revoked["error"].startswith("AUTH_EXPIRED 36004005"), revoked
    for key, task in tasks.items():
        listings, refused, twice = EXPECTED[key]
        summary = task["summary"]
        assert task["status"] == "succeeded", (key, task["error"])
        assert (summary["listings_read"], summary["rejected"]) == (listings, len(refused)), (key, summary)
        assert summary["conflict_skus"] == sorted(twice), (key, summary)
        # Every listing bound but the two items sharing a seller SKU.
        assert summary["skus_bound"] == listings - 2 * len(twice) - summary["without_seller_sku"], (key, summary)

    rejected = await _all_groups(world, tenant, error_type="LISTING_REJECTED", status="open")
    by_shop: dict[str, set[str]] = {}
    ours = {str(v): k for k, v in tenant.shops.items()}
    for group in rejected:
        by_shop.setdefault(ours[group["shop_id"]], set()).add(group["sku"])
        assert group["platform_error_code"] and group["latest_event"]["platform_error_message"]
    assert by_shop == {key: refused for key, (_, refused, _) in EXPECTED.items()}
