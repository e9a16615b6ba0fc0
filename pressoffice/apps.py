from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class PressOfficeConfig(AppConfig):
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
