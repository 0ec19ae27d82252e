"""The check-in poster: the QR code with its short code printed underneath, as one PNG."""

from __future__ import annotations

import io

from bot.qr import qr_png

BAND_HEIGHT = 90
FONT_SIZE = 56


def checkin_poster(link: str, code: str) -> bytes:
    """PNG: the QR code for `link`, and `code` in large letters below it for those who cannot scan."""
    from PIL import Image, ImageDraw, ImageFont  # imported when a poster is made: keeps the idle bot small

    qr = Image.open(io.BytesIO(qr_png(link))).convert("RGB")
    poster = Image.new("RGB", (qr.width, qr.height + BAND_HEIGHT), "white")
    poster.paste(qr, (0, 0))
    draw = ImageDraw.Draw(poster)
    font = ImageFont.load_default(size=FONT_SIZE)
    spaced = " ".join(code)
    left, top, right, bottom = draw.textbbox((0, 0), spaced, font=font)
    draw.text(
        ((qr.width - (right - left)) / 2 - left, qr.height + (BAND_HEIGHT - (bottom - top)) / 2 - top - 12),
        spaced,
        fill="black",
        font=font,
    )
    buffer = io.BytesIO()
    poster.save(buffer, format="PNG")
    return buffer.getvalue()
