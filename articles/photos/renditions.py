"""Renditions: the re-encoded sizes of a library photo that pages serve, and their addresses.

Names are random keys (articles.models.Image.key) and never change, so every rendition can be
cached for a year; originals are never served.
"""

import io
import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage

RENDITION_WIDTHS = (480, 960, 1600)
JPEG_QUALITY = 85
WEBP_QUALITY = 80


def encode(image, fmt):
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()


def rendition_widths(width):
    """The widths cut from an image `width` pixels wide: never upscaled."""
    return [w for w in RENDITION_WIDTHS if w < width] + [width] if width else []


def standard_width(widths):
    """The rendition used where one size must do (a plain src, an enclosure): 960 px or less."""
    return widths[min(1, len(widths) - 1)]


def rendition_name(key, width, extension):
    return f"renditions/{key}/{width}.{extension}"


def rendition_url(key, width, extension):
    return default_storage.url(rendition_name(key, width, extension))


def make_renditions(key, content, extension):
    """Write every rendition of a cleaned image (WebP and the JPEG/PNG fallback); returns names."""
    source = PILImage.open(io.BytesIO(content))
    widths = rendition_widths(source.width)
    if source.format == "JPEG":
        # Decode big photos at a reduced scale that still covers the largest rendition: faster,
        # and a fraction of the memory.
        largest = widths[-1]
        source.draft("RGB", (largest, round(source.height * largest / source.width)))
    source.load()
    names = []
    for width in widths:
        height = max(1, round(source.height * width / source.width))
        resized = (
            source if width == source.width else source.resize((width, height), PILImage.LANCZOS)
        )
        for fmt, ext in (("WEBP", "webp"), ("JPEG" if extension == "jpg" else "PNG", extension)):
            name = rendition_name(key, width, ext)
            if default_storage.exists(name):
                default_storage.delete(name)
            default_storage.save(name, ContentFile(encode(resized, fmt)))
            names.append(name)
    return names


_KEY_IN_URL = re.compile(r"/renditions/([0-9a-f]{32})/\d+\.(?:jpg|png|webp)$")


def key_from_url(url):
    """The library key in one of our rendition URLs, or None for anything else."""
    match = _KEY_IN_URL.search(url or "")
    return match[1] if match else None
