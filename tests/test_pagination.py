"""Cursors: only the API's own, signed ones decode; whatever the API returns fits the cursor parameter."""

from __future__ import annotations

import base64

import pytest

from api import problems
from api.pagination import MAX_CURSOR_CHARS, decode_cursor, encode_cursor


def test_the_longest_position_a_list_returns_fits_the_cursor_parameter_and_decodes_back() -> None:
    longest_sku = "😀" * 200  # a SKU code may be 200 characters of four bytes each
    cursor = encode_cursor([longest_sku, "8c1c8c5e-3f0a-4c1e-9a55-0c8e3e2f1b7d"])

    assert len(cursor) <= MAX_CURSOR_CHARS
    assert decode_cursor(cursor) == [longest_sku, "8c1c8c5e-3f0a-4c1e-9a55-0c8e3e2f1b7d"]


def _with_last_character_changed(cursor: str) -> str:
    # The signing key differs per run, so the replacement must differ from whatever the last character is.
    return cursor[:-1] + ("B" if cursor.endswith("A") else "A")


@pytest.mark.parametrize(
    "cursor",
    [
        base64.urlsafe_b64encode(b'["2026-11-25T08:00:00+00:00", 5]').decode(),  # unsigned, as an old cursor was
        _with_last_character_changed(encode_cursor(["2026-11-25T08:00:00+00:00", 5])),  # signature changed
        encode_cursor(["2026-11-25T08:00:00+00:00", 5]).replace("MDI2", "MDI3", 1),  # payload changed: 2027
        "W" * 10_000,  # huge
        "." * 3,
        "",
    ],
)
def test_a_cursor_the_api_did_not_return_is_a_problem_naming_cursor(cursor: str) -> None:
    with pytest.raises(problems.Invalid) as refused:
        decode_cursor(cursor)

    assert refused.value.extra["invalid_params"][0]["name"] == "cursor"


def test_a_signed_cursor_must_still_be_a_flat_list_of_bounded_scalars() -> None:
    for value in ([[1]], [{"a": 1}], [True], [2**70], ["x" * 201]):
        with pytest.raises(problems.Invalid):
            decode_cursor(encode_cursor(value))
