from django.contrib.admin import apps as admin_apps


class PressOfficeAdminConfig(admin_apps.AdminConfig):
    """Django's admin with the newsroom's desk as its site (articles/editorial/desk/site.py).
    Named in INSTALLED_APPS in place of django.contrib.admin; never the project's own app."""

    default = False
    default_site = "articles.editorial.desk.site.DeskSite"
