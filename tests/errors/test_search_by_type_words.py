"""Board search also finds groups by what their error type is called: its titles and suggestions in zh-CN and
English, as the board shows them, besides the SKU, platform code, latest message and trace id."""

from __future__ import annotations

from typing import Any

import pytest

from api.errors.filters import error_types_described_by
from tests.errors.conftest import Board, event


@pytest.fixture
async def typed(board: Board) -> Board:
    await board.ingest(
        event(board.shop_b, sku="AUTH-1", error_type="AUTH_EXPIRED", operation="auth",
              platform_error_code="Unauthorized", platform_error_message="access token expired"),
        event(board.shop_b, sku="AUTH-2", error_type="AUTH_SCOPE_MISSING", operation="price",
              platform_error_code="403", platform_error_message="role missing"),
        event(board.shop_a, sku="STOCK-1", error_type="INVENTORY_SYNC_FAILED", operation="stock",
              platform_error_code="product.error_stock", platform_error_message="stock exceeds limit"),
        event(board.shop_a, sku="PRICE-1", platform_error_message="促销期间不能改价，库存已锁"),
    )  # fmt: skip
    return board


def skus(groups: list[dict[str, Any]]) -> set[str]:
    return {g["sku"] for g in groups}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("授权", {"AUTH-1", "AUTH-2"}),  # both titles' and suggestions' Chinese
        ("Authoris", {"AUTH-1", "AUTH-2"}),  # English, any case, from a word's start
        ("auth_expired", {"AUTH-1"}),  # the type's code
        ("库存", {"STOCK-1", "PRICE-1"}),  # the type's title, or the latest message of another type
        ("STOCK-1", {"STOCK-1"}),  # SKUs still match as before
        ("ync", set()),  # inside a word ("sync") names no type
    ],
)
async def test_searching_a_word_of_a_type_title_or_suggestion_finds_that_types_groups(
    typed: Board, q: str, expected: set[str]
) -> None:
    assert skus(await typed.groups(q=q)) == expected


async def test_the_facets_and_the_list_agree_on_a_search_by_type_words(typed: Board) -> None:
    response = await typed.client.get("/v1/errors/facets", params={"q": "授权"}, headers=typed.headers)

    assert response.status_code == 200, response.text
    facets = response.json()
    assert facets["total"] == len(await typed.groups(q="授权")) == 2
    assert {f["value"] for f in facets["error_type"]} == {"AUTH_EXPIRED", "AUTH_SCOPE_MISSING"}


async def test_a_search_by_type_words_still_honours_the_other_filters(typed: Board) -> None:
    assert skus(await typed.groups(q="授权", error_type="AUTH_SCOPE_MISSING")) == {"AUTH-2"}
    assert skus(await typed.groups(q="授权", shop_id=typed.shop_a)) == set()


def test_one_character_names_no_type_and_a_common_word_of_both_languages_names_its_types() -> None:
    assert error_types_described_by("权") == ()
    assert error_types_described_by("  限流 ") == ("RATE_LIMITED",)
    assert "RATE_LIMITED" in error_types_described_by("rate")
