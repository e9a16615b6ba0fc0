"""Uploaded photos: checked and re-encoded by Pillow before anything is stored.

Only JPEG, PNG, WebP and GIF are decoded (an explicit allow-list: a TIFF, PSD, SVG or HTML file
with an image's name is refused). Size, pixel count and integrity are checked before decoding
the pixels, so a decompression bomb costs a header read. Re-encoding applies the EXIF orientation
and drops every other piece of metadata (GPS included) from all that is served.
"""

import logging
import re
import warnings
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from articles.photos.renditions import (
    encode,
    make_renditions,
    rendition_names,
)

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# What a disk or a bucket raises when it is full, slow, down or refusing.
STORAGE_ERRORS = (OSError, BotoCoreError, ClientError)

logger = logging.getLogger(__name__)


class ImageRejected(Exception):
    """An upload we will not store; the message tells the editor what was wrong."""


@dataclass
class CleanImage:
    content: bytes
    width: int
    height: int
    extension: str  # "jpg" or "png": the fallback format renditions use


def max_bytes():
    return settings.IMAGE_MAX_BYTES


def max_pixels():
    return settings.IMAGE_MAX_PIXELS


def clean_upload(upload):
    """Check an uploaded file and return it re-encoded, or raise ImageRejected."""
    size = upload.size
    if size > max_bytes():
        raise ImageRejected(f"The file is {_human(size)}; the limit is {_human(max_bytes())}.")
    if size == 0:
        raise ImageRejected("The file is empty.")
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow's own bomb guard, as an error, under our stricter limit checked below.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            image = PILImage.open(upload, formats=ALLOWED_FORMATS)
        except UnidentifiedImageError:
            raise ImageRejected(
                "This is not a JPEG, PNG, WebP or GIF image (other formats, such as TIFF, "
                "SVG or PSD, are not accepted)."
            ) from None
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise ImageRejected(_too_many_pixels_message()) from None
        except (OSError, SyntaxError, ValueError) as error:
            raise ImageRejected(f"The image cannot be read ({error}).") from None

        width, height = image.size
        if width * height > max_pixels():
            raise ImageRejected(_too_many_pixels_message(width, height))
        try:
            image.load()  # decodes every pixel: truncated or corrupt files fail here
            image = ImageOps.exif_transpose(image)
        except (OSError, SyntaxError, ValueError, PILImage.DecompressionBombWarning) as error:
            raise ImageRejected(f"The image is truncated or corrupt ({error}).") from None
    return _reencode(image)


def _human(size):
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{size / 1024:.0f} KB"


def _too_many_pixels_message(width=None, height=None):
    limit = f"{max_pixels() / 1_000_000:g} megapixels"
    if width is None:
        return f"The image has too many pixels; the limit is {limit}."
    megapixels = width * height / 1_000_000
    return f"The image is {width} × {height} pixels ({megapixels:.1f} MP); the limit is {limit}."


def _has_alpha(image):
    return image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )


def _flatten(image):
    """RGB or RGBA pixels, nothing else carried over (no EXIF, XMP, comments, text chunks)."""
    mode = "RGBA" if _has_alpha(image) else "RGB"
    clean = PILImage.new(mode, image.size)
    clean.paste(image.convert(mode))
    return clean


def _reencode(image):
    flat = _flatten(image)
    if flat.mode == "RGBA":
        content, extension = encode(flat, "PNG"), "png"
    else:
        content, extension = encode(flat, "JPEG"), "jpg"
    return CleanImage(content, flat.width, flat.height, extension)


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


def safe_original_name(name):
    """The upload's own name as plain reference text: no folders, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_NAME.sub("", base).strip()[:255]


def store_files(image, clean, original_name=""):
    """Write a cleaned upload and all its renditions under the image's random key, without
    saving the row. All or nothing: if storage fails, whatever was written is removed and
    ImageRejected says so."""
    image.width, image.height, image.extension = clean.width, clean.height, clean.extension
    image.original_filename = safe_original_name(original_name)
    written = []
    try:
        image.file.save(f"{image.key}.{clean.extension}", ContentFile(clean.content), save=False)
        written.append(image.file.name)
        make_renditions(image.key, clean.content, clean.extension, written)
    except STORAGE_ERRORS as error:
        _undo(written)
        raise ImageRejected(
            f"The photo could not be stored ({getattr(error, 'strerror', None) or error}); "
            "nothing was saved. "
            "Try again, and tell an administrator if it happens again."
        ) from None
    return image


def store_image(image, clean, original_name=""):
    """Save a cleaned upload under the image's random key, with all its renditions."""
    store_files(image, clean, original_name)
    image.save()
    return image


def _undo(names):
    """Remove what a failed upload stored. A storage that fails again is not asked on: what it
    keeps sits under a random key no page or row names."""
    for stored, name in enumerate(names):
        try:
            default_storage.delete(name)
        except STORAGE_ERRORS:
            logger.warning("a failed upload left %d file(s) behind", len(names) - stored)
            return


def delete_files(image):
    """Remove a photo's original and every rendition; missing files are not an error."""
    names = [image.file.name] if image.file else []
    names += rendition_names(image.key, image.width or 0, image.height, image.extension)
    for name in names:
        try:
            if default_storage.exists(name):
                default_storage.delete(name)
        except STORAGE_ERRORS:
            logger.warning("could not delete %s", name, exc_info=True)


def delete_files_after_commit(sender, instance, **kwargs):
    """post_delete receiver for Image: once the deletion commits, its original and renditions
    go too, and their addresses answer 404."""
    transaction.on_commit(lambda: delete_files(instance))
