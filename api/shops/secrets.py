"""Encryption at rest of shop credentials and tokens (Fernet: AES-128-CBC + HMAC-SHA256, with a timestamp).

OPENCLAW_ENCRYPTION_KEY may hold several comma-separated keys: the first encrypts, all decrypt, so a key can be
rotated without re-encrypting every row at once.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from api import problems


class SecretBox:
    def __init__(self, keys: str) -> None:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise ValueError("OPENCLAW_ENCRYPTION_KEY is empty")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])

    def encrypt(self, value: str) -> bytes:
        return self._fernet.encrypt(value.encode())

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken as exc:  # a wrong or rotated-out key: say so, never show the ciphertext
            raise problems.Unavailable("stored credentials cannot be decrypted with the configured keys") from exc

    def encrypt_json(self, value: dict[str, Any]) -> bytes:
        return self.encrypt(json.dumps(value, separators=(",", ":")))

    def decrypt_json(self, token: bytes) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.decrypt(token))
        return decoded

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt with the first (newest) key."""
        return self._fernet.rotate(token)
