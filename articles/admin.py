"""Django's admin autodiscovery looks here; each room registers its own models."""

from articles.editorial import admin as editorial_admin  # noqa: F401
from articles.photos import admin as photos_admin  # noqa: F401
