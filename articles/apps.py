from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Newsroom"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from taggit.models import Tag

        from articles import models, moves
        from articles.editorial.clearance_notices import after_text_change
        from articles.pagecache import invalidation
        from articles.photos.uploads import delete_files_after_commit
        from articles.public.search_index import ensure_index_after_migrate
        from articles.roles import create_roles_after_migrate
        from articles.text import clean_text_fields

        # After every migrate, once the permissions exist, the groups match articles/roles.py.
        post_migrate.connect(create_roles_after_migrate, dispatch_uid="newsroom-roles")
        post_migrate.connect(ensure_index_after_migrate, sender=self)

        # A change logs the public pages it touches, in its own transaction.
        invalidation.connect()

        # A public release's old address keeps answering, with a redirect made in the save.
        moves.connect()

        # An edit to cleared text voids the sign-offs on it (editorial/clearance.py).
        post_save.connect(
            after_text_change, sender=models.Release, dispatch_uid="clearance-after-edit"
        )

        # A deleted photo's files go with it.
        post_delete.connect(
            delete_files_after_commit, sender=models.Image, dispatch_uid="photo-files"
        )

        # Text is stored XML-safe, so no feed or sitemap can be broken by one pasted character.
        for model in [*self.get_models(), Tag]:
            pre_save.connect(clean_text_fields, sender=model, dispatch_uid=f"text-{model.__name__}")
