from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from api import problems
from api.shops.secrets import SecretBox

PARTNER_KEY = "shpk4f6e7a1b2c3d4e5f60718293a4b5c6d7e8f9"


def test_credentials_round_trip_and_never_appear_in_the_ciphertext() -> None:
    box = SecretBox(Fernet.generate_key().decode())
    credentials = {"partner_id": "2001887", "partner_key": PARTNER_KEY, "shop_id": "14701711"}

    stored = box.encrypt_json(credentials)

    assert PARTNER_KEY.encode() not in stored and b"partner_key" not in stored
    assert box.decrypt_json(stored) == credentials
    assert box.encrypt_json(credentials) != stored  # a fresh IV each time: equal secrets look different


def test_a_rotated_key_still_decrypts_old_rows_and_rotation_moves_them_to_the_new_key() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    stored = SecretBox(old).encrypt("refresh-token-value")
    rotated_box = SecretBox(f"{new},{old}")

    rotated = rotated_box.rotate(stored)

    assert rotated_box.decrypt(stored) == "refresh-token-value"
    assert SecretBox(new).decrypt(rotated) == "refresh-token-value"


def test_a_wrong_key_is_a_clear_error_not_a_crash() -> None:
    stored = SecretBox(Fernet.generate_key().decode()).encrypt("x")

    with pytest.raises(problems.Unavailable, match="cannot be decrypted"):
        SecretBox(Fernet.generate_key().decode()).decrypt(stored)
