"""What staff sign-in keeps about people beyond Django's own user table."""

from django.conf import settings
from django.db import models


class SignOut(models.Model):
    """When a person last asked to be signed out everywhere: every session of theirs that began
    before this moment has ended."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        verbose_name = "sign-out everywhere"

    def __str__(self):
        return f"{self.user} signed out everywhere at {self.at:%Y-%m-%d %H:%M}"
