"""QR codes as PNG bytes (segno, pure Python)."""

from __future__ import annotations

import io


def qr_png(data: str, *, scale: int = 10, border: int = 4) -> bytes:
    """A PNG QR code for a link or code, large enough to scan from a projector."""
    import segno  # imported when a code is drawn: keeps the idle bot small

    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=scale, border=border)
    return buffer.getvalue()
