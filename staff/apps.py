from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Staff sign-in: sessions that end, and (next) lockout, second factors and the security log."""

    name = "staff"
    verbose_name = "Staff sign-in"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from staff.sessions import remember_sign_in

        user_logged_in.connect(remember_sign_in, dispatch_uid="staff-signed-in-at")
