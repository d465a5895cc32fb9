"""Test photos made with Pillow: sideways phone shots with GPS tags, decompression
bombs, and checks of what a rendition holds."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

RED = (220, 30, 30)
BLUE = (30, 30, 220)
ORIENTATION = 0x0112
GPS_IFD = 0x8825


def upright_picture(width: int, height: int) -> Image.Image:
    """Top half red, bottom half blue: which way is up is plain to check."""
    image = Image.new("RGB", (width, height), RED)
    ImageDraw.Draw(image).rectangle((0, height // 2, width, height), fill=BLUE)
    return image


def phone_jpeg(width: int = 800, height: int = 600, *, gps: bool = True) -> bytes:
    """A JPEG stored sideways with EXIF orientation 6 (turn 90° clockwise to view) and
    GPS tags, as phones write them; upright it is ``width`` × ``height``."""
    stored = upright_picture(width, height).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    if gps:
        place = exif.get_ifd(GPS_IFD)
        place[1] = "N"
        place[2] = (21.0, 42.0, 0.0)
        place[3] = "E"
        place[4] = (104.0, 52.0, 0.0)
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def plain_jpeg(width: int = 1200, height: int = 800, seed: int = 0) -> bytes:
    image = upright_picture(width, height)
    ImageDraw.Draw(image).ellipse(
        (seed % 50, 10, width // 3 + seed % 50, height // 3), fill=(0, 160, 0)
    )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def exif_of(data: bytes) -> dict:
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return {**dict(exif), **{f"gps:{k}": v for k, v in exif.get_ifd(GPS_IFD).items()}}


def colour_at(data: bytes, x_fraction: float, y_fraction: float) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
        return rgb.getpixel((int(rgb.width * x_fraction), int(rgb.height * y_fraction)))


def near(colour: tuple[int, int, int], expected: tuple[int, int, int], slack: int = 40) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(colour, expected, strict=True))


def camera_jpeg(width: int = 4000, height: int = 3000, seed: int = 0) -> bytes:
    """A photo the size a phone takes (12 megapixels by default), with texture enough
    for its JPEG to weigh what a real one does (a few MB)."""
    grain = Image.effect_noise((width // 4, height // 4), 48 + seed % 8).resize((width, height))
    scene = upright_picture(width, height)
    scene = Image.merge("RGB", [Image.blend(band, grain, 0.35) for band in scene.split()])
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=92)
    return out.getvalue()
