"""Short-lived signed download links for files the bot serves itself (channels that cannot send files).

A link is `<PUBLIC_BASE_URL>/files/<blob id>.<expiry>.<signature>/<file name>`: the signature is an
HMAC-SHA256 of the blob id and the expiry under a key derived from the bot's secrets, so a changed id or
expiry is refused (403) and an expired link is not found (404). Links last LINK_LIFETIME (24 hours).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from urllib.parse import quote

LINK_LIFETIME = timedelta(hours=24)


class FileLinks:
    def __init__(self, base_url: str, key: bytes, *, lifetime: timedelta = LINK_LIFETIME) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = key
        self.lifetime = lifetime

    @staticmethod
    def key_from(*secrets: str | None) -> bytes:
        """The signing key: derived from the bot's own secrets, so every replica signs alike."""
        material = "\n".join(s for s in secrets if s).encode()
        return hmac.new(b"khuyenhoc-bot file links", material, hashlib.sha256).digest()

    def url(self, blob_id: int, filename: str, *, now: datetime) -> str:
        expires = int((now + self.lifetime).timestamp())
        return f"{self.base_url}/files/{blob_id}.{expires}.{self._sign(blob_id, expires)}/{quote(filename)}"

    def check(self, token: str, *, now: datetime) -> int | str:
        """The blob id a link names, or 'forged' / 'expired'."""
        try:
            blob, expires, signature = token.split(".")
            blob_id, expiry = int(blob), int(expires)
        except ValueError:
            return "forged"
        if not hmac.compare_digest(signature, self._sign(blob_id, expiry)):
            return "forged"
        if now.timestamp() > expiry:
            return "expired"
        return blob_id

    def _sign(self, blob_id: int, expires: int) -> str:
        digest = hmac.new(self._key, f"{blob_id}.{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")
