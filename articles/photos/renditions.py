"""Renditions: the re-encoded sizes of a library photo that pages serve, and their addresses.

Names are random keys (articles.models.Image.key) and never change, so every rendition can be
cached for a year; originals are never served.
"""

import io
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image as PILImage

RENDITION_WIDTHS = (480, 960, 1600)
# The shapes Google asks of an article's images (1:1, 4:3, 16:9), cut from the middle of the
# photo, at most this wide: search results and link previews crop to these.
SHARE_RATIOS = ((1, 1), (4, 3), (16, 9))
SHARE_WIDTH = 1200
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


def share_crops(width, height):
    """The (width, height) of each share crop of a `width` × `height` photo, in SHARE_RATIOS
    order, with the box each is cut from: (size, (left, top, right, bottom))."""
    crops = []
    for across, down in SHARE_RATIOS:
        box_width = min(width, height * across // down)
        box_height = box_width * down // across
        left, top = (width - box_width) // 2, (height - box_height) // 2
        out_width = min(SHARE_WIDTH, box_width)
        size = (out_width, max(1, out_width * down // across))
        crops.append((size, (left, top, left + box_width, top + box_height)))
    return crops


def rendition_name(key, width, extension, height=None):
    """A width-only rendition keeps the photo's shape; a share crop names both sides."""
    size = f"{width}x{height}" if height else f"{width}"
    return f"renditions/{key}/{size}.{extension}"


def rendition_names(key, width, height, extension):
    """Every rendition a `width` × `height` photo has: each width in WebP and its own format,
    then the share crops."""
    names = [rendition_name(key, w, ext) for w in rendition_widths(width)
             for ext in ("webp", extension)]  # fmt: skip
    if width and height:
        names += [rendition_name(key, w, extension, h) for (w, h), _ in share_crops(width, height)]
    return names


def rendition_url(key, width, extension, height=None):
    """Where readers fetch a rendition: MEDIA_PUBLIC_URL (a CDN in front of the bucket) when
    set; otherwise /media/renditions/… on this site, which the rendition view (or nginx, for
    media on disk) serves from whichever storage holds it. Through the site by default, so the
    bucket stays private (originals are never served), the pages' Content-Security-Policy stays
    'self', and a deleted photo's addresses answer 404 at once."""
    name = rendition_name(key, width, extension, height)
    base = settings.MEDIA_PUBLIC_URL or "/" + settings.MEDIA_URL.strip("/")
    return f"{base}/{name}"


def _save(name, content):
    if default_storage.exists(name):
        default_storage.delete(name)
    default_storage.save(name, ContentFile(content))


def make_renditions(key, content, extension, written=None):
    """Write every rendition of a cleaned image (WebP and the JPEG/PNG fallback); returns their
    names, noting each in `written` as soon as it is stored (so a failure can undo them)."""
    source = PILImage.open(io.BytesIO(content))
    full_width, full_height = source.size
    widths = rendition_widths(source.width)
    if source.format == "JPEG":
        # Decode big photos at a reduced scale that still covers the largest rendition: faster,
        # and a fraction of the memory.
        largest = widths[-1]
        source.draft("RGB", (largest, round(source.height * largest / source.width)))
    source.load()
    names = [] if written is None else written
    own_format = "JPEG" if extension == "jpg" else "PNG"
    for width in widths:
        height = max(1, round(source.height * width / source.width))
        resized = (
            source if width == source.width else source.resize((width, height), PILImage.LANCZOS)
        )
        for fmt, ext in (("WEBP", "webp"), (own_format, extension)):
            name = rendition_name(key, width, ext)
            _save(name, encode(resized, fmt))
            names.append(name)
    # Sizes (and so names) from the photo's own dimensions; boxes scaled to the decoded pixels.
    scale = source.width / full_width
    for (width, height), box in share_crops(full_width, full_height):
        box = tuple(edge * scale for edge in box)
        crop = source.resize((width, height), PILImage.LANCZOS, box=box)
        name = rendition_name(key, width, extension, height)
        _save(name, encode(crop, own_format))
        names.append(name)
    return names


_KEY_IN_URL = re.compile(r"/renditions/([0-9a-f]{32})/\d+(?:x\d+)?\.(?:jpg|png|webp)$")


def key_from_url(url):
    """The library key in one of our rendition URLs, or None for anything else."""
    match = _KEY_IN_URL.search(url or "")
    return match[1] if match else None
