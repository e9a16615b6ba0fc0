"""Photos as HTML: library photos in release bodies, and responsive <picture> markup."""

import html
import re

from django.utils.html import format_html

from articles.photos.renditions import key_from_url, rendition_url, rendition_widths, standard_width

_IMG_TAG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_EMPTY_FIGURE = re.compile(r"<figure>\s*(?:<figcaption>\s*</figcaption>)?\s*</figure>")
BODY_SIZES = "(min-width: 48rem) 46rem, 100vw"
LEAD_SIZES = "(min-width: 48rem) 46rem, 100vw"
THUMB_SIZES = "8rem"


def _attributes(tag):
    return {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}


def canonical_body_images(body, library_photos):
    """Keep only library photos in a (sanitised) body, each with the library's alt text and size.

    `library_photos(keys)` gives {key: Image} for the keys that exist. Any other image address
    is removed: public pages load nothing from other sites, and every photo a reader sees has
    been checked and stripped of metadata.
    """
    if "<img" not in body:
        return body
    keys = {key_from_url(_attributes(tag).get("src")) for tag in _IMG_TAG.findall(body)}
    library = library_photos(keys - {None})

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
