"""The admin site itself: its home page is the desk (panels.py), and the planning calendar
hangs off it. Named as the admin's default site in pressoffice/apps.py, so every
`admin.site.register` in the rooms registers here."""

from django.contrib import admin

from articles.editorial.desk.panels import desk_context


class DeskSite(admin.AdminSite):
    site_header = "Press Office"
    site_title = "Press Office admin"
    index_title = "Desk"
    index_template = "admin/desk/index.html"

    def get_urls(self):
        return [*self.desk_urls(), *super().get_urls()]

    def desk_urls(self):
        """The desk's own pages under /admin/ (each wrapped in admin_view: staff only)."""
        from articles.editorial.calendar.urls import calendar_urls

        return [*calendar_urls(self)]

    def index(self, request, extra_context=None):
        return super().index(request, {**desk_context(request), **(extra_context or {})})
