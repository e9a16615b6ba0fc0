"""Readers' alert addresses and the press corps' personal links (their shapes are in mail
already sent: keep them)."""

from django.urls import path

from subscriptions.press import views as press
from subscriptions.readers import views as readers

app_name = "subscriptions"

urlpatterns = [
    path("subscribe/", readers.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", readers.confirm, name="confirm"),
    path("subscriptions/<str:token>/", readers.manage, name="manage"),
    path("unsubscribe/<str:token>/", readers.unsubscribe, name="unsubscribe"),
    # A press contact's personal link to a release under embargo.
    path("embargoed/<str:token>/", press.embargoed, name="embargoed"),
]
