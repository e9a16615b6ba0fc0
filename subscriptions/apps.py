from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    """Readers' e-mail alerts, the press corps' embargoed mail, and partners' webhooks."""

    name = "subscriptions"
    verbose_name = "Subscriptions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import pre_save

        from articles import agenda, desk
        from articles.signals import release_corrected, release_stepped, release_went_live
        from articles.text import clean_text_fields
        from subscriptions.desk import PANEL
        from subscriptions.press.agenda import press_mailings
        from subscriptions.press.embargo import after_step
        from subscriptions.sending.tasks import queue_alert
        from subscriptions.webhooks import desk as webhooks_desk
        from subscriptions.webhooks import events as webhooks
        from subscriptions.webhooks import keys  # noqa: F401 (its system check)

        release_went_live.connect(queue_alert, dispatch_uid="subscriptions-alert")
        release_stepped.connect(after_step, dispatch_uid="subscriptions-press-notices")
        release_went_live.connect(webhooks.went_live, dispatch_uid="webhooks-published")
        release_stepped.connect(webhooks.stepped, dispatch_uid="webhooks-stepped")
        release_corrected.connect(webhooks.corrected, dispatch_uid="webhooks-corrected")
        webhooks.connect_saves()  # a live release's text changing
        agenda.source(press_mailings)  # the desk's week and the planning calendar show them
        desk.add(PANEL)  # the alerts and press mailings going out, on the desk
        desk.add(webhooks_desk.PANEL)  # Administrators': endpoints that stopped taking events
        # Names and addresses are stored on one line, as the newsroom's text is: they go into
        # mail, where a line break is a header of its own.
        for model in self.get_models():
            pre_save.connect(clean_text_fields, sender=model, dispatch_uid=f"text-{model.__name__}")
