"""An upload's type, decided by its first bytes, and its size in pixels, read from its
header alone: nothing is decoded before the pixel limit is checked."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import BinaryIO

from articles.errors import Invalid, UnsupportedMediaType

TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
ORIENTATION = 0x0112
SIDEWAYS = {5, 6, 7, 8}  # EXIF orientations that swap width and height


@dataclass(frozen=True)
class Probe:
    format: str  # Pillow's name: JPEG, PNG, WEBP, GIF
    width: int  # upright, EXIF orientation applied
    height: int

    @property
    def content_type(self) -> str:
        return TYPES[self.format]


def sniff(head: bytes) -> str | None:
    """The format the magic bytes announce, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def too_many_pixels(width: int, height: int, max_pixels: int) -> Invalid:
    return Invalid(
        {
            "file": [
                f"the image is {width} × {height} pixels; at most {max_pixels:,} pixels "
                "are accepted".replace(",", ".")
            ]
        }
    )


def probe(stream: BinaryIO, max_pixels: int) -> Probe:
    """Check an upload's type (415) and pixel count (422) without decoding it."""
    from PIL import Image  # here: the API process loads Pillow with its first upload

    stream.seek(0)
    kind = sniff(stream.read(16))
    stream.seek(0)
    if kind is None:
        raise UnsupportedMediaType("the file is not a JPEG, PNG, WebP or GIF image")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(stream, formats=[kind]) as image:
                width, height = image.size
                # JPEG and WebP keep EXIF in the header; other formats are turned upright
                # by the worker, which reports their final size.
                orientation = image.getexif().get(ORIENTATION, 1) if kind != "PNG" else 1
        except Image.DecompressionBombError:
            raise Invalid({"file": ["the image has too many pixels"]}) from None
        except (OSError, SyntaxError, ValueError):
            raise Invalid({"file": [f"the file is not a readable {kind} image"]}) from None
    stream.seek(0)
    if width * height > max_pixels:
        raise too_many_pixels(width, height, max_pixels)
    if orientation in SIDEWAYS:
        width, height = height, width
    return Probe(kind, width, height)
