# Modules, not classes: Django would take any AppConfig class named here as this app's own.
from django import apps as django_apps
from django.contrib.admin import apps as admin_apps
from taggit import apps as taggit_apps


class PressOfficeConfig(django_apps.AppConfig):
    """The project's own app: its commands (backup, restore) and the desk's health panel."""

    name = "pressoffice"
    default = True

    def ready(self):
        from articles import desk
        from pressoffice.health import PANEL

        desk.add(PANEL)


class PressOfficeAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the newsroom's desk as its site (articles/editorial/desk/site.py).
    Named in INSTALLED_APPS in place of django.contrib.admin; never the project's own app."""

    default = False
    default_site = "articles.editorial.desk.site.DeskSite"


class TopicsConfig(taggit_apps.TaggitAppConfig):
    """django-taggit as the newsroom names it: tags are "topics" to editors and readers, so the
    admin's section and its tag pages say so. Named in INSTALLED_APPS in place of taggit; the app
    label stays `taggit` (its tables, permissions and /admin/taggit/ addresses are unchanged)."""

    default = False
    verbose_name = "Topics"

    def ready(self):
        super().ready()
        # On _meta only, not the model's Meta (original_attrs): a label, with no migration to
        # taggit's tables.
        tag = self.get_model("Tag")
        tag._meta.verbose_name, tag._meta.verbose_name_plural = "topic", "topics"
