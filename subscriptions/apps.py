from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    """Readers' e-mail alerts, and the press corps' embargoed mail."""

    name = "subscriptions"
    verbose_name = "Subscriptions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import pre_save

        from articles import agenda, desk
        from articles.signals import release_stepped, release_went_live
        from articles.text import clean_text_fields
        from subscriptions.desk import PANEL
        from subscriptions.press.agenda import press_mailings
        from subscriptions.press.embargo import after_step
        from subscriptions.sending.tasks import queue_alert

        release_went_live.connect(queue_alert, dispatch_uid="subscriptions-alert")
        release_stepped.connect(after_step, dispatch_uid="subscriptions-press-notices")
        agenda.source(press_mailings)  # the desk's week and the planning calendar show them
        desk.add(PANEL)  # the alerts and press mailings going out, on the desk
        # Names and addresses are stored on one line, as the newsroom's text is: they go into
        # mail, where a line break is a header of its own.
        for model in self.get_models():
            pre_save.connect(clean_text_fields, sender=model, dispatch_uid=f"text-{model.__name__}")
