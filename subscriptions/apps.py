from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    """Readers' e-mail alerts (and, next, the press corps' embargoed mail)."""

    name = "subscriptions"
    verbose_name = "Subscriptions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles.editorial.workflow import release_went_live
        from subscriptions.tasks import queue_alert

        release_went_live.connect(queue_alert, dispatch_uid="subscriptions-alert")
