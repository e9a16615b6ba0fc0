"""The rendition view: photo renditions from media storage, for sites that do not serve
MEDIA_ROOT/renditions/ from the web server or a bucket."""

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

_RENDITION = re.compile(r"[0-9a-f]{32}/\d{1,5}\.(webp|jpg|png)")
_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


def rendition(request, path):
    """A photo rendition. Names are random and content never changes, so browsers and proxies
    may keep them for a year. Originals are never served."""
    match = _RENDITION.fullmatch(path)
    name = f"renditions/{path}"
    if not match or not default_storage.exists(name):
        raise Http404("No such photo.")
    response = FileResponse(default_storage.open(name), content_type=_TYPES[match[1]])
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
