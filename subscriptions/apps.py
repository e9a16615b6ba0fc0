from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    """Readers' e-mail alerts, the press corps' embargoed mail, partners' webhooks, and the
    office's social posts."""

    name = "subscriptions"
    verbose_name = "Subscriptions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from articles import agenda, clearance_parts, desk, elsewhere, release_inlines
        from articles.signals import release_corrected, release_stepped, release_went_live
        from articles.text import clean_text_fields
        from subscriptions.desk import PANEL
        from subscriptions.press.agenda import press_mailings
        from subscriptions.press.embargo import after_step
        from subscriptions.sending import keys  # noqa: F401 (its system check)
        from subscriptions.sending.tasks import queue_alert
        from subscriptions.social import desk as social_desk
        from subscriptions.social import lifecycle as social
        from subscriptions.social.admin import SocialPostInline
        from subscriptions.social.models import SocialPost
        from subscriptions.webhooks import desk as webhooks_desk
        from subscriptions.webhooks import events as webhooks

        release_went_live.connect(queue_alert, dispatch_uid="subscriptions-alert")
        release_stepped.connect(after_step, dispatch_uid="subscriptions-press-notices")
        release_went_live.connect(webhooks.went_live, dispatch_uid="webhooks-published")
        release_stepped.connect(webhooks.stepped, dispatch_uid="webhooks-stepped")
        release_corrected.connect(webhooks.corrected, dispatch_uid="webhooks-corrected")
        webhooks.connect_saves()  # a live release's text changing
        release_went_live.connect(social.went_live, dispatch_uid="social-posts")
        release_stepped.connect(social.stepped, dispatch_uid="social-withdrawn")
        elsewhere.source(social.links)  # the release's page links to its posts
        release_inlines.add(SocialPostInline)  # the Social panel of the release's admin page
        clearance_parts.add("social posts", social.cleared_part)  # cleared with the text
        post_save.connect(social.posts_changed, sender=SocialPost, dispatch_uid="social-saved")
        post_delete.connect(social.posts_changed, sender=SocialPost, dispatch_uid="social-gone")
        agenda.source(press_mailings)  # the desk's week and the planning calendar show them
        desk.add(PANEL)  # the alerts and press mailings going out, on the desk
        desk.add(webhooks_desk.PANEL)  # Administrators': endpoints that stopped taking events
        desk.add(social_desk.PANEL)  # Publishers': posts a network refused
        # Names and addresses are stored on one line, as the newsroom's text is: they go into
        # mail, where a line break is a header of its own.
        for model in self.get_models():
            pre_save.connect(clean_text_fields, sender=model, dispatch_uid=f"text-{model.__name__}")
