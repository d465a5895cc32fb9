"""Renditions of a photo: upright, sRGB, without metadata, 320 to 1600 px wide, WebP and JPEG.

Names come from the original's SHA-256 and :data:`RECIPE`, so the same photo uploaded
twice makes the same files, stored once. Change :data:`RECIPE` whenever the output would
change (sizes, quality, encoder settings): served files are cached as immutable.
"""

from __future__ import annotations

import functools
import io
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from articles.media.probe import SIDEWAYS, TYPES, sniff, too_many_pixels
from articles.media.storage import PUBLIC

if TYPE_CHECKING:
    from PIL import Image

# Pillow is imported where an image is worked on: the API process only names renditions,
# and stays ~4 MB smaller until it probes an upload (probe.py).

RECIPE = "r1"
WIDTHS = (320, 640, 1024, 1600)
FORMATS = {"webp": ("WEBP", "image/webp"), "jpg": ("JPEG", "image/jpeg")}
ENCODER = {
    "WEBP": {"quality": 80, "method": 4},
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
}


@functools.cache
def _srgb_profile() -> object:
    from PIL import ImageCms

    return ImageCms.createProfile("sRGB")


ENCODERS = 2  # Pillow encodes without the GIL: one rendition encodes while the next is resized


class UnreadableImage(Exception):
    """The original cannot be made into renditions; the message says why."""


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    extension: str  # webp or jpg
    data: bytes

    @property
    def content_type(self) -> str:
        return FORMATS[self.extension][1]

    @property
    def format(self) -> str:
        return "jpeg" if self.extension == "jpg" else self.extension


@dataclass(frozen=True)
class Rendered:
    width: int  # the upright original's
    height: int
    type: str
    renditions: list[Rendition]


def rendition_key(sha256: str, width: int, extension: str) -> str:
    """``public/r1/ab/<sha256>-640.webp``: the storage key of one rendition."""
    return f"{PUBLIC}{RECIPE}/{sha256[:2]}/{sha256}-{width}.{extension}"


def widths_for(width: int) -> list[int]:
    """The widths made for an original ``width`` wide: never wider than it."""
    return [w for w in WIDTHS if w <= width] or [width]


def _upright(image: Image.Image, largest: int) -> Image.Image:
    """Decode (a JPEG at the smallest scale that still covers ``largest``), then turn
    the image upright by its EXIF orientation."""
    if image.format == "JPEG":
        orientation = image.getexif().get(0x0112, 1)
        width, height = image.size
        if orientation in SIDEWAYS:
            width, height = height, width
        scale = largest / width
        wanted = (round(width * scale), round(height * scale))
        if orientation in SIDEWAYS:
            wanted = wanted[::-1]
        image.draft("RGB", wanted)
    image.load()
    from PIL import ImageOps

    return ImageOps.exif_transpose(image) or image


def _srgb(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when the image has transparency, in sRGB."""
    from PIL import ImageCms

    alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if alpha else "RGB"
    profile = image.info.get("icc_profile")
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            if image.mode not in ("RGB", "RGBA", "L", "CMYK"):
                image = image.convert(mode)
            converted = ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode=mode)
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: use the pixels as they are
    return image.convert(mode) if image.mode != mode else image


def _encode(shared: Image.Image, extension: str) -> bytes:
    """The image in one format. Works on its own copy: ``save`` keeps its parameters on
    the image, and two formats of one size are encoded at the same time."""
    from PIL import Image

    pillow_format = FORMATS[extension][0]
    if pillow_format == "JPEG" and shared.mode == "RGBA":
        image = Image.new("RGB", shared.size, (255, 255, 255))
        image.paste(shared, mask=shared.getchannel("A"))
    else:
        image = shared.copy()
    image.info = {}  # nothing of the original's metadata travels on
    out = io.BytesIO()
    image.save(out, pillow_format, **ENCODER[pillow_format])
    return out.getvalue()


def render(data: bytes, max_pixels: int) -> Rendered:
    """Every rendition of ``data``; raises :class:`UnreadableImage` with a reason."""
    from PIL import Image

    kind = sniff(data[:16])
    if kind is None:
        raise UnreadableImage("the file is not a JPEG, PNG, WebP or GIF image")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                if image.width * image.height > max_pixels:
                    raise UnreadableImage(str(too_many_pixels(*image.size, max_pixels).errors))
                orientation = image.getexif().get(0x0112, 1) if kind != "PNG" else 1
                width, height = image.size
                if orientation in SIDEWAYS:
                    width, height = height, width
                widths = widths_for(width)
                upright = _srgb(_upright(image, max(widths)))
        except Image.DecompressionBombError as exc:
            raise UnreadableImage(str(exc)) from None
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise UnreadableImage(f"the {kind} image cannot be decoded: {exc}") from None
    encoded = []
    source = upright
    with ThreadPoolExecutor(ENCODERS, thread_name_prefix="encode") as pool:
        for target in sorted(widths, reverse=True):
            size = (target, max(1, round(upright.height * target / upright.width)))
            resized = source if source.size == size else source.resize(size, Image.LANCZOS)
            encoded += [(size, ext, pool.submit(_encode, resized, ext)) for ext in FORMATS]
            source = resized
        renditions = [Rendition(*size, ext, job.result()) for size, ext, job in encoded]
    renditions.sort(key=lambda r: (r.width, r.extension))
    return Rendered(width, height, TYPES[kind], renditions)
