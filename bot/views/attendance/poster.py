"""The check-in poster: the QR code with its short code printed underneath, as one PNG.

Where the channel has no deep links there is nothing useful to scan, so the poster is the code alone, in
large letters, for people to type.
"""

from __future__ import annotations

import io

from bot.views.qr import qr_png

BAND_HEIGHT = 90
FONT_SIZE = 56
CODE_ONLY_SIZE = (640, 240)


def checkin_poster(link: str | None, code: str) -> bytes:
    """PNG: the QR code for `link`, and `code` in large letters below it for those who cannot scan."""
    from PIL import Image, ImageDraw, ImageFont  # imported when a poster is made: keeps the idle bot small

    if link is None:
        poster = Image.new("RGB", CODE_ONLY_SIZE, "white")
        top, band = 0, CODE_ONLY_SIZE[1]
    else:
        qr = Image.open(io.BytesIO(qr_png(link))).convert("RGB")
        poster = Image.new("RGB", (qr.width, qr.height + BAND_HEIGHT), "white")
        poster.paste(qr, (0, 0))
        top, band = qr.height, BAND_HEIGHT
    draw = ImageDraw.Draw(poster)
    font = ImageFont.load_default(size=FONT_SIZE)
    spaced = " ".join(code)
    left, text_top, right, bottom = draw.textbbox((0, 0), spaced, font=font)
    lift = 12 if link is not None else 0
    draw.text(
        (
            (poster.width - (right - left)) / 2 - left,
            top + (band - (bottom - text_top)) / 2 - text_top - lift,
        ),
        spaced,
        fill="black",
        font=font,
    )
    buffer = io.BytesIO()
    poster.save(buffer, format="PNG")
    return buffer.getvalue()
