"""Uploaded photos: checked and re-encoded by Pillow before anything is stored, then cut into
responsive renditions.

Only JPEG, PNG, WebP and GIF are decoded (an explicit allow-list: a TIFF, PSD, SVG or HTML file
with an image's name is refused). Size, pixel count and integrity are checked before decoding
the pixels, so a decompression bomb costs a header read. Re-encoding applies the EXIF orientation
and drops every other piece of metadata (GPS included) from all that is served.
"""

import html
import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.html import format_html
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
RENDITION_WIDTHS = (480, 960, 1600)
JPEG_QUALITY = 85
WEBP_QUALITY = 80


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
        content, extension = _encode(flat, "PNG"), "png"
    else:
        content, extension = _encode(flat, "JPEG"), "jpg"
    return CleanImage(content, flat.width, flat.height, extension)


def _encode(image, fmt):
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()


# Renditions ------------------------------------------------------------------------------------


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
            default_storage.save(name, ContentFile(_encode(resized, fmt)))
            names.append(name)
    return names


_KEY_IN_URL = re.compile(r"/renditions/([0-9a-f]{32})/\d+\.(?:jpg|png|webp)$")


def key_from_url(url):
    """The library key in one of our rendition URLs, or None for anything else."""
    match = _KEY_IN_URL.search(url or "")
    return match[1] if match else None


# Photos in release bodies ----------------------------------------------------------------------

_IMG_TAG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_EMPTY_FIGURE = re.compile(r"<figure>\s*(?:<figcaption>\s*</figcaption>)?\s*</figure>")
BODY_SIZES = "(min-width: 48rem) 46rem, 100vw"
LEAD_SIZES = "(min-width: 48rem) 46rem, 100vw"
THUMB_SIZES = "8rem"


def _attributes(tag):
    return {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}


def canonical_body_images(body):
    """Keep only library photos in a (sanitised) body, each with the library's alt text and size.

    Any other image address is removed: public pages load nothing from other sites, and every
    photo a reader sees has been checked and stripped of metadata.
    """
    if "<img" not in body:
        return body
    from articles.models import Image  # the model module imports this one

    keys = {key_from_url(_attributes(tag).get("src")) for tag in _IMG_TAG.findall(body)}
    library = {image.key: image for image in Image.objects.filter(key__in=keys - {None})}

    def replace(match):
        image = library.get(key_from_url(_attributes(match[0]).get("src")))
        if image is None:
            return ""
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}" data-file="{}">',
            image.url(), image.alt, image.width, image.height, image.key,
        )  # fmt: skip

    return _EMPTY_FIGURE.sub("", _IMG_TAG.sub(replace, body))


def responsive_body_images(body):
    """Library photos in a stored body as responsive <picture> elements (no database needed)."""
    if "data-file=" not in body:
        return body

    def replace(match):
        attrs = _attributes(match[0])
        key, width = attrs.get("data-file", ""), int(attrs.get("width") or 0)
        extension = attrs.get("src", "").rsplit(".", 1)[-1]
        if not re.fullmatch(r"[0-9a-f]{32}", key) or extension not in {"jpg", "png"} or not width:
            return match[0]
        return picture_html(key, width, int(attrs.get("height") or 0), extension,
                            attrs.get("alt", ""), BODY_SIZES, lazy=True)  # fmt: skip

    return _IMG_TAG.sub(replace, body)


def photo_html(image, sizes, *, lazy):
    """A library photo (an Image) as a responsive <picture>."""
    return picture_html(image.key, image.width, image.height, image.extension, image.alt, sizes,
                        lazy=lazy)  # fmt: skip


def picture_html(key, width, height, extension, alt, sizes, *, lazy):
    """A <picture> with a WebP srcset, a JPEG/PNG fallback, and the intrinsic size reserved."""
    widths = rendition_widths(width)
    webp = ", ".join(f"{rendition_url(key, w, 'webp')} {w}w" for w in widths)
    fallback = ", ".join(f"{rendition_url(key, w, extension)} {w}w" for w in widths)
    src = rendition_url(key, standard_width(widths), extension)
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="{}" '
        'decoding="async"></picture>',
        webp, sizes, src, fallback, sizes, width, height, alt, "lazy" if lazy else "eager",
    )  # fmt: skip


# Storing --------------------------------------------------------------------------------------

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


def safe_original_name(name):
    """The upload's own name as plain reference text: no folders, no control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return _UNSAFE_NAME.sub("", base).strip()[:255]


def store_image(image, clean, original_name=""):
    """Save a cleaned upload under the image's random key, with all its renditions."""
    image.width, image.height, image.extension = clean.width, clean.height, clean.extension
    image.original_filename = safe_original_name(original_name)
    image.file.save(f"{image.key}.{clean.extension}", ContentFile(clean.content), save=False)
    make_renditions(image.key, clean.content, clean.extension)
    image.save()
    return image
