"""Every model of the app, where Django looks for them; each lives in its audience's room."""

from subscriptions.press.models import PressContact, PressDelivery, PressList, PressMailing
from subscriptions.readers.models import Alert, Delivery, Subscriber, Topic
from subscriptions.sending.models import Outgoing
from subscriptions.social.models import SocialAccount, SocialDelivery, SocialPost
from subscriptions.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "Alert", "Delivery", "Outgoing", "PressContact", "PressDelivery", "PressList",
    "PressMailing", "SocialAccount", "SocialDelivery", "SocialPost", "Subscriber", "Topic",
    "WebhookDelivery", "WebhookEndpoint", "WebhookEvent",
]  # fmt: skip
