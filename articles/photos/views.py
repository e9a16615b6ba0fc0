"""The rendition view: photo renditions from media storage, for sites that do not serve
MEDIA_ROOT/renditions/ from the web server or a bucket."""

import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404

_RENDITION = re.compile(r"[0-9a-f]{32}/\d{1,5}(?:x\d{1,5})?\.(webp|jpg|png)")
# A deleted photo may live on in caches this long; a day bounds a take-down and still spares
# the server all but one request per reader and day.
RENDITION_MAX_AGE = 24 * 60 * 60
_TYPES = {"webp": "image/webp", "jpg": "image/jpeg", "png": "image/png"}


def rendition(request, path):
    """A photo rendition. Names are random and content never changes, but a photo can be taken
    down: browsers and proxies may keep a rendition for a day (RENDITION_MAX_AGE), no longer.
    Originals are never served."""
    match = _RENDITION.fullmatch(path)
    name = f"renditions/{path}"
    if not match or not default_storage.exists(name):
        raise Http404("No such photo.")
    response = FileResponse(default_storage.open(name), content_type=_TYPES[match[1]])
    response["Cache-Control"] = f"public, max-age={RENDITION_MAX_AGE}"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"  # feed readers show our photos
    return response
