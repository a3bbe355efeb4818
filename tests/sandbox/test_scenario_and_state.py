"""Scenario files are validated with clear errors, the default ships 12 shops and 6,000 SKUs, state persists."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from sandbox import ScenarioError, create_app, load_scenario
from sandbox.scenario import ListingStateSpec
from sandbox.state import SandboxState, StateFileError
from tests.sandbox.conftest import RunningSandbox, scenario_data
from tests.sandbox.test_amazon_emulator import patch, price_patch


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_a_file_that_is_not_json_is_refused_with_its_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"is not JSON: .* line 1, column 12"):
        load_scenario(write(tmp_path, '{"shops": [}'))


def test_a_shop_without_its_client_secret_and_a_misspelt_fault_are_both_named(tmp_path: Path) -> None:
    data = scenario_data()
    del data["shops"][0]["credentials"]["client_secret"]
    data["shops"][1]["faults"] = {"revokd": True}
    with pytest.raises(ScenarioError) as refused:
        load_scenario(write(tmp_path, data))
    message = str(refused.value)
    assert "shops.0: Value error, credentials lack client_secret" in message
    assert "shops.1.faults.revokd: Extra inputs are not permitted" in message


def test_a_market_the_platform_does_not_serve_and_duplicate_shops_are_refused(tmp_path: Path) -> None:
    data = scenario_data()
    data["shops"][1]["market"] = "MY"
    with pytest.raises(ScenarioError, match="market 'MY' is not one of amazon's"):
        load_scenario(write(tmp_path, data))
    data = scenario_data()
    data["shops"][1]["id"] = "amz-us"
    with pytest.raises(ScenarioError, match="duplicate shop id: 'amz-us'"):
        load_scenario(write(tmp_path, data))


def test_a_missing_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read scenario"):
        load_scenario(tmp_path / "nope.json")


def test_the_default_scenario_has_twelve_shops_over_four_platforms_and_6000_skus() -> None:
    scenario = load_scenario()
    assert len(scenario.shops) == 12
    assert {shop.platform for shop in scenario.shops} == {"amazon", "tiktok", "shopee", "lazada"}
    assert sum(rule.count for shop in scenario.shops for rule in shop.catalog.rules) == 6000
    # Generation is deterministic: two loads give the same catalog, prices included.
    first = SandboxState(scenario).shops["amazon-us"].catalog["AMZ-US-00001"]
    second = SandboxState(load_scenario()).shops["amazon-us"].catalog["AMZ-US-00001"]
    assert (first.price, first.stock, first.category) == (second.price, second.stock, second.category)


def test_the_shipped_file_is_what_the_generator_writes() -> None:
    from sandbox.default_scenario import build
    from sandbox.scenario import DEFAULT_SCENARIO

    assert json.loads(DEFAULT_SCENARIO.read_text(encoding="utf-8")) == build()


def test_the_ledger_catalog_and_clock_survive_a_restart(tmp_path: Path) -> None:
    state_path = tmp_path / "state.jsonl"
    first = RunningSandbox(scenario_data(), state_path).start()
    try:
        accepted = patch(first, "BAG-1", price_patch(42)).json()
        first.advance(61)
        patch(first, "GEN-001", price_patch(11))  # still pending when the sandbox stops
        ledger_before = first.ledger()
    finally:
        first.stop()

    second = RunningSandbox(scenario_data(), state_path).start()
    try:
        assert second.ledger() == ledger_before
        assert ledger_before["entries"][0]["request_id"] == accepted["submissionId"]
        listing = httpx.get(f"{second.url}/_sandbox/listing", params={"shop": "amz-us", "sku": "BAG-1"}).json()
        assert listing["price"] == "42"
        assert httpx.get(f"{second.url}/_sandbox/clock").json()["offset_seconds"] == 61
        second.advance(61)  # the change queued before the restart lands
        assert second.ledger(sku="GEN-001")["count"] == 1
    finally:
        second.stop()


def test_a_state_file_of_another_scenario_is_refused(tmp_path: Path) -> None:
    state_path = tmp_path / "state.jsonl"
    create_app(load_scenario(write(tmp_path, scenario_data())), state_path)
    other = scenario_data()
    other["seed"] = 8
    with pytest.raises(StateFileError, match="another scenario"):
        create_app(load_scenario(write(tmp_path, other)), state_path)


def test_reset_empties_the_ledger_and_restores_the_catalog(sandbox: RunningSandbox) -> None:
    patch(sandbox, "BAG-1", price_patch(5))
    sandbox.advance(61)
    assert sandbox.ledger()["count"] == 1
    httpx.post(f"{sandbox.url}/_sandbox/reset").raise_for_status()
    assert sandbox.ledger()["count"] == 0
    listing = httpx.get(f"{sandbox.url}/_sandbox/listing", params={"shop": "amz-us", "sku": "BAG-1"}).json()
    assert listing["price"] == "100.00"


def test_the_shops_hook_lists_base_urls_and_current_tokens(sandbox: RunningSandbox) -> None:
    shops = {s["id"]: s for s in httpx.get(f"{sandbox.url}/_sandbox/shops").json()["shops"]}
    assert shops["amz-us"]["base_url"] == f"{sandbox.url}/amazon"
    assert shops["amz-us"]["auth_base_url"] == f"{sandbox.url}/lwa"
    assert shops["amz-us"]["access_token"] == "Atza|test-access-us"
    assert shops["amz-us"]["sku_count"] == 7  # 3 listed + 5 generated - 1 unknown to the platform


# -----------------------------------------------------------------------------------------------------------
# Platform-side listing states


SUPPRESSED = {"status": "SUPPRESSED", "reasons": [{"code": "18742", "message": "Restricted", "severity": "ERROR"}]}


def test_listing_states_must_use_the_platforms_words_and_name_catalog_skus(tmp_path: Path) -> None:
    data = scenario_data()
    data["shops"][0]["listing_states"] = {"BAG-1": {"status": "BANNED"}}
    with pytest.raises(ScenarioError, match="'BANNED' is not one of amazon's \\['SUPPRESSED'\\]"):
        load_scenario(write(tmp_path, data))
    data["shops"][0]["listing_states"] = {"NO-SUCH-SKU": SUPPRESSED}
    with pytest.raises(ScenarioError, match="listing_states name SKUs not in its catalog: \\['NO-SUCH-SKU'\\]"):
        load_scenario(write(tmp_path, data))


def test_a_duplicate_must_repeat_a_catalog_sku_on_another_item(tmp_path: Path) -> None:
    data = scenario_data()
    duplicate = {"sku": "BAG-1", "item_id": "B0TEST0001", "category": "LUGGAGE", "price": "1", "stock": 1}
    data["shops"][0]["catalog"]["duplicates"] = [duplicate]
    with pytest.raises(ScenarioError, match="duplicate 'BAG-1' must repeat a catalog SKU on another item_id"):
        load_scenario(write(tmp_path, data))


def test_a_listing_state_set_at_run_time_survives_a_restart_and_is_undone_by_reset(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, scenario_data()))
    journal = tmp_path / "state.jsonl"
    state = SandboxState(scenario, journal)
    assert state.shop("amz-us").catalog["BAG-1"].platform_state is None

    state.set_listing_state("amz-us", "BAG-1", ListingStateSpec.model_validate(SUPPRESSED))
    restarted = SandboxState(scenario, journal)
    assert restarted.shop("amz-us").catalog["BAG-1"].platform_state == SUPPRESSED

    restarted.reset()
    assert restarted.shop("amz-us").catalog["BAG-1"].platform_state is None


def test_the_hook_refuses_another_platforms_state_and_an_unknown_sku(sandbox: RunningSandbox) -> None:
    hook = f"{sandbox.url}/_sandbox/shops/amz-us/listings"
    assert httpx.put(f"{hook}/BAG-1/state", json={"status": "FAILED"}).status_code == 422
    assert httpx.put(f"{hook}/NOPE/state", json=SUPPRESSED).status_code == 404
    answer = httpx.put(f"{hook}/A%2FB%207/state", json=SUPPRESSED)
    assert answer.status_code == 200 and answer.json()["platform_state"] == SUPPRESSED


def test_the_default_scenario_refuses_2_or_3_listings_per_shop_and_repeats_two_seller_skus() -> None:
    scenario = load_scenario()
    refused = {shop.id: len(shop.listing_states) for shop in scenario.shops}
    assert set(refused.values()) <= {2, 3} and len(refused) == 12
    duplicates = {
        shop.id: [d.sku for d in shop.catalog.duplicates] for shop in scenario.shops if shop.catalog.duplicates
    }
    assert duplicates == {"tiktok-us": ["TTS-US-00005"], "shopee-my": ["SHP-MY-00005"]}
