"""Who issues releases: offices, and the social accounts the site links to."""

from django.db import models
from django.db.models import Q


class Office(models.Model):
    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="The issuing office, e.g. “Office of the Assistant Secretary of Defense "
        "(Public Affairs)”.",
    )
    parent_organisation = models.CharField(
        "parent organisation",
        max_length=200,
        blank=True,
        help_text="The department the office belongs to, e.g. “U.S. Department of Defense”.",
    )
    contact_name = models.CharField("media contact", max_length=200, blank=True)
    contact_email = models.EmailField("media contact e-mail", blank=True)
    contact_phone = models.CharField("media contact phone", max_length=50, blank=True)
    is_default = models.BooleanField(
        "default office",
        default=False,
        help_text="New releases are issued by this office unless the editor picks another. "
        "Only one office can be the default.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_office",
                violation_error_message="Another office is already the default.",
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls):
        return cls.objects.filter(is_default=True).first()


class SocialLink(models.Model):
    class Platform(models.TextChoices):
        FACEBOOK = "facebook", "Facebook"
        X = "x", "X (Twitter)"
        YOUTUBE = "youtube", "YouTube"
        INSTAGRAM = "instagram", "Instagram"
        LINKEDIN = "linkedin", "LinkedIn"
        FLICKR = "flickr", "Flickr"
        THREADS = "threads", "Threads"
        BLUESKY = "bluesky", "Bluesky"
        OTHER = "other", "Other"

    # How each platform is named in running text ("Follow us on Facebook and X").
    SHORT_NAMES = {Platform.X: "X"}

    platform = models.CharField(max_length=20, choices=Platform.choices)
    url = models.URLField("URL", help_text="The full address of the account page.")
    label = models.CharField(
        max_length=100,
        blank=True,
        help_text="The link text; leave empty to use the platform's name.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")
    active = models.BooleanField(default=True, help_text="Only active links appear on the site.")

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.label or self.SHORT_NAMES.get(self.platform, self.get_platform_display())
