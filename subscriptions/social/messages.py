"""What a post sends: the Publisher's words, then the release's address, and the lead photo
with its alt text; and what is kept of the network's answer."""

from urllib.parse import urlsplit

from django.core.files.storage import default_storage

from articles.addresses import site_url
from articles.photos.renditions import (
    rendition_name,
    rendition_widths,
    share_crops,
    standard_width,
)
from subscriptions.social.networks import Post

IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
               "webp": "image/webp", "gif": "image/gif"}  # fmt: skip


def message(post, with_image=True):
    """The Post the network is sent: the Publisher's words, then the release's address, and
    the lead photo with its alt text when the post takes it, and the release's language."""
    release = post.release
    link = site_url(release.get_absolute_url())
    image, image_type, alt = None, "", ""
    if with_image and post.with_photo and release.lead_image is not None:
        image, image_type = photo_bytes(release.lead_image)
        alt = release.lead_image.alt
    return Post(
        post.key, with_link(post.text, link), link, image, image_type, alt, release.language
    )


def with_link(text, link):
    return f"{text.strip()} {link}"


def photo_bytes(image):
    """The photo as the share crops cut it (16:9, at most 1200 px: what link cards show), or
    its standard rendition; never the original upload."""
    (width, height), _box = share_crops(image.width, image.height)[-1]
    names = [
        rendition_name(image.key, width, image.extension, height),
        rendition_name(image.key, standard_width(rendition_widths(image.width)), image.extension),
    ]
    for name in names:
        if default_storage.exists(name):
            with default_storage.open(name) as file:
                return file.read(), IMAGE_TYPES.get(image.extension.lower(), "image/jpeg")
    raise FileNotFoundError(f"no rendition of photo {image.key}")


def text_as_sent(post, text=None):
    """The words and the release's address, as the post goes (the panel counts this)."""
    return with_link(post.text if text is None else text, site_url(post.release.get_absolute_url()))


def public_address(url):
    """A network's address for a post, kept only if it is a web address: it becomes a link on
    the release's page and in the admin, and a hostile server could answer javascript:…"""
    return url if urlsplit(url or "").scheme in {"https", "http"} else ""
