"""Django's admin autodiscovery looks here; each room registers its own models."""

from subscriptions.press import admin as press_admin  # noqa: F401
from subscriptions.readers import admin as readers_admin  # noqa: F401
from subscriptions.social import admin as social_admin  # noqa: F401
from subscriptions.webhooks import admin as webhooks_admin  # noqa: F401
