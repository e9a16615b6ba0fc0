from subscriptions.models.outgoing import Outgoing
from subscriptions.models.press import PressContact, PressDelivery, PressList, PressMailing
from subscriptions.models.readers import Alert, Delivery, Subscriber, Topic

__all__ = [
    "Alert", "Delivery", "Outgoing", "PressContact", "PressDelivery", "PressList",
    "PressMailing", "Subscriber", "Topic",
]  # fmt: skip
