from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from articles.roles import create_roles_after_migrate

        # After every migrate, once the permissions exist, the groups match articles/roles.py.
        post_migrate.connect(create_roles_after_migrate, sender=self)
