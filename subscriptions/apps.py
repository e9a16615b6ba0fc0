from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    """Readers' e-mail alerts, and the press corps' embargoed mail."""

    name = "subscriptions"
    verbose_name = "Subscriptions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles.editorial.workflow import release_stepped, release_went_live
        from subscriptions.press import after_step
        from subscriptions.tasks import queue_alert

        release_went_live.connect(queue_alert, dispatch_uid="subscriptions-alert")
        release_stepped.connect(after_step, dispatch_uid="subscriptions-press-notices")
