"""Readers' alert addresses (their shapes are in mail already sent: keep them)."""

from django.urls import path

from subscriptions import views

app_name = "subscriptions"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("subscriptions/<str:token>/", views.manage, name="manage"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    # A press contact's personal link to a release under embargo.
    path("embargoed/<str:token>/", views.embargoed, name="embargoed"),
]
