"""Sample photos for local runs, drawn with Pillow (our own pictures, no download), and
their upload through the API as an editor would make it."""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from PIL import Image, ImageDraw, ImageFilter

from portalkit.scopes import MEDIA_WRITE

WIDTH, HEIGHT = 1800, 1200

Upload = Callable[[bytes, dict[str, str]], int]
"""Uploads a photo with its caption, alt text and credit; returns its media id."""


@dataclass(frozen=True)
class Sample:
    caption: str
    alt: str
    draw: Callable[[ImageDraw.ImageDraw, random.Random], None]


Colour = tuple[int, int, int]


def _sky(draw: ImageDraw.ImageDraw, top: Colour, bottom: Colour) -> None:
    for y in range(HEIGHT):
        t = y / HEIGHT
        shade = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (WIDTH, y)], fill=shade)


def _ridge(draw: ImageDraw.ImageDraw, rng: random.Random, base: int, height: int, colour) -> None:
    points = [(0, HEIGHT)]
    for x in range(0, WIDTH + 120, 120):
        points.append((x, base - rng.randint(0, height)))
    points.append((WIDTH, HEIGHT))
    draw.polygon(points, fill=colour)


def terraces(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    _sky(draw, (120, 170, 225), (235, 225, 190))
    _ridge(draw, rng, 420, 160, (70, 110, 90))
    for step in range(14):
        y = 520 + step * 52
        shade = (200 - step * 4, 175 - step * 3, 60 + step * 2)
        draw.rounded_rectangle((-40 + step * 9, y, WIDTH + 40, y + 46), 22, fill=shade)
        draw.line([(0, y + 44), (WIDTH, y + 40)], fill=(120, 95, 40), width=4)


def hall(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    draw.rectangle((0, 0, WIDTH, HEIGHT), fill=(150, 30, 35))
    draw.rectangle((300, 120, 1500, 420), fill=(190, 40, 45))
    draw.text((560, 240), "HOI NGHI SO KET", fill=(250, 220, 120), font_size=90)
    draw.rectangle((0, 700, WIDTH, HEIGHT), fill=(90, 60, 40))
    for row in range(4):
        for seat in range(16):
            x, y = 60 + seat * 108, 760 + row * 110
            draw.ellipse((x, y, x + 60, y + 60), fill=(40 + rng.randint(0, 40), 35, 30))
            draw.rectangle((x - 10, y + 55, x + 70, y + 105), fill=(30, 50, 110))


def tea(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    _sky(draw, (170, 200, 230), (230, 235, 230))
    for layer, (base, colour) in enumerate(
        [(520, (100, 140, 110)), (700, (60, 130, 70)), (900, (40, 110, 50))]
    ):
        _ridge(draw, rng, base, 120 - layer * 30, colour)
        for row in range(base + 70, HEIGHT, 34):
            draw.arc((-200, row - 60, WIDTH + 200, row + 60), 190, 350, fill=(30, 90, 40), width=6)


def lake(draw: ImageDraw.ImageDraw, rng: random.Random) -> None:
    _sky(draw, (90, 150, 210), (200, 220, 235))
    _ridge(draw, rng, 560, 200, (60, 100, 80))
    _ridge(draw, rng, 640, 90, (40, 80, 60))
    draw.rectangle((0, 660, WIDTH, HEIGHT), fill=(40, 110, 140))
    for _ in range(160):
        x, y = rng.randint(0, WIDTH), rng.randint(680, HEIGHT)
        draw.line([(x, y), (x + rng.randint(30, 120), y)], fill=(150, 200, 215), width=3)
    draw.polygon([(820, 820), (1120, 820), (1060, 880), (880, 880)], fill=(235, 235, 230))
    draw.rectangle((900, 760, 1040, 822), fill=(200, 60, 50))


SAMPLES = {
    "ruong-bac-thang": Sample(
        "Ruộng bậc thang mùa lúa chín ở Mù Cang Chải",
        "Những thửa ruộng bậc thang vàng óng trải dài theo sườn núi",
        terraces,
    ),
    "hoi-truong": Sample(
        "Quang cảnh hội nghị", "Đại biểu ngồi kín hội trường trước sân khấu đỏ", hall
    ),
    "doi-che": Sample(
        "Đồi chè shan tuyết ở Suối Giàng", "Những hàng chè xanh uốn lượn trên các quả đồi", tea
    ),
    "ho-thac-ba": Sample(
        "Du thuyền trên hồ Thác Bà", "Chiếc thuyền trắng giữa mặt hồ xanh, núi phía sau", lake
    ),
}
CREDIT = "Ảnh minh họa: CTTĐT"


def picture(name: str) -> bytes:
    """The sample photo ``name`` as a JPEG (the same bytes every time)."""
    image = Image.new("RGB", (WIDTH, HEIGHT))
    SAMPLES[name].draw(ImageDraw.Draw(image), random.Random(name))
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def api_uploader(app: Flask) -> Upload:
    """Uploads through ``POST /v1/media`` of ``app`` (in-process), with a configured token
    that may (unscoped, or with ``media.write``)."""
    client = app.test_client()
    scopes = app.config.get("API_TOKEN_SCOPES", {})
    secret = next(
        (s for s in app.config["API_TOKENS"] if MEDIA_WRITE in scopes.get(s, {MEDIA_WRITE})),
        None,
    )
    if secret is None:
        raise RuntimeError("no API_TOKENS entry may upload the sample photos (media.write)")

    def upload(data: bytes, fields: dict[str, str]) -> int:
        answer = client.post(
            "/v1/media",
            data={"file": (io.BytesIO(data), "anh.jpg"), **fields},
            headers={"Authorization": f"Bearer {secret}"},
            content_type="multipart/form-data",
        )
        if answer.status_code != 202:
            raise RuntimeError(f"sample photo refused: {answer.get_data(as_text=True)}")
        return answer.get_json()["id"]

    return upload


def upload_samples(upload: Upload) -> dict[str, int]:
    """Every sample photo uploaded; their media ids by name."""
    return {
        name: upload(
            picture(name), {"caption": sample.caption, "alt": sample.alt, "credit": CREDIT}
        )
        for name, sample in SAMPLES.items()
    }
