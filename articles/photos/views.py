"""The rendition view: photo renditions for readers, from whichever storage holds them (the disk
or a bucket; articles/photos/renditions.py says why readers come here rather than to the
bucket). nginx may serve MEDIA_ROOT/renditions/ itself when the media are on disk."""

import logging
import re

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse

from articles.photos.uploads import STORAGE_ERRORS

logger = logging.getLogger(__name__)

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
    if not match:
        raise Http404("No such photo.")
    try:
        if not default_storage.exists(name):
            raise Http404("No such photo.")
        stored = default_storage.open(name)
    except STORAGE_ERRORS:
        logger.warning("media storage unavailable for %s", name, exc_info=True)
        response = HttpResponse("Photos are unavailable for a moment.", status=503)
        response["Retry-After"] = "30"
        return response
    response = FileResponse(stored, content_type=_TYPES[match[1]])
    response["Cache-Control"] = f"public, max-age={RENDITION_MAX_AGE}"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"  # feed readers show our photos
    return response
