"""CPR numbers at rest: encrypted with AES-GCM and matched through a keyed hash (HMAC-SHA256).

Both keys are derived (HKDF-SHA256) from one secret, `CASEPATH_DATA_KEY` (engine.config.Settings.data_key),
so a database dump alone reveals no CPR number: the ciphertext needs the key, and the match column is
a keyed hash, not a plain SHA-256 that anyone could compute for all 3.6 million possible numbers of a
year. The keys are set once per process by `configure` (engine.setup), like the calendar and mail.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = b"\x01"  # first byte of every ciphertext: lets a later key rotation tell old from new
_SALT = b"casepath-data-key"
_AAD = b"casepath:cpr"


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose).derive(secret)


class DataKeys:
    """The encryption key and the match key derived from one secret."""

    def __init__(self, secret: str) -> None:
        raw = secret.encode()
        self._aead = AESGCM(_derive(raw, b"cpr-encryption"))
        self._mac_key = _derive(raw, b"cpr-match")

    def encrypt(self, digits: str) -> bytes:
        """VERSION + 12-byte random nonce + ciphertext with tag."""
        nonce = os.urandom(12)
        return VERSION + nonce + self._aead.encrypt(nonce, digits.encode(), _AAD)

    def decrypt(self, blob: bytes) -> str:
        """The digits encrypted in `blob` (cryptography's InvalidTag with a wrong key)."""
        if blob[:1] != VERSION:
            raise ValueError("unknown CPR ciphertext version")
        return self._aead.decrypt(blob[1:13], blob[13:], _AAD).decode()

    def match_hash(self, digits: str) -> str:
        """The keyed hash stored in the indexed match column (64 hex characters)."""
        return hmac.new(self._mac_key, digits.encode(), hashlib.sha256).hexdigest()


_KEYS: dict[str, DataKeys] = {}


def configure(secret: str) -> None:
    """Set the process's data keys (engine.setup.configure, from Settings.effective_data_key)."""
    _KEYS["current"] = DataKeys(secret)


def keys() -> DataKeys:
    """The configured data keys; in a process that never configured them (a script, a test seeding a
    database before the app starts), those of the environment's settings, checked as at start-up: in
    production a missing or weak CASEPATH_DATA_KEY is a ConfigError, never a guessed key."""
    if "current" not in _KEYS:
        from engine.config import Settings

        configure(Settings.from_env().effective_data_key)
    return _KEYS["current"]
