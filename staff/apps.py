from django.apps import AppConfig


class StaffConfig(AppConfig):
    """Staff sign-in: second factors, lockout, sessions that end, and the security log."""

    name = "staff"
    verbose_name = "Staff sign-in"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from allauth.mfa.models import Authenticator
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

        from staff import enrolment, security
        from staff.sessions import remember_sign_in

        User = get_user_model()
        user_logged_in.connect(remember_sign_in, dispatch_uid="staff-signed-in-at")

        # The security log.
        user_logged_in.connect(security.signed_in, dispatch_uid="log-signed-in")
        user_login_failed.connect(security.sign_in_failed, dispatch_uid="log-sign-in-failed")
        user_logged_out.connect(security.signed_out, dispatch_uid="log-signed-out")
        # Lockouts are logged by the locked-out page itself (staff/lockout.py), whichever limit.
        pre_save.connect(security.account_saved, sender=User, dispatch_uid="log-account")
        post_save.connect(security.factor_added, sender=Authenticator, dispatch_uid="log-factor")
        post_save.connect(
            enrolment.factor_added, sender=Authenticator, dispatch_uid="enrolment-code-used-up"
        )
        post_delete.connect(
            security.factor_removed, sender=Authenticator, dispatch_uid="log-factor-removed"
        )
        for through in (User.groups.through, User.user_permissions.through,
                        Group.permissions.through):  # fmt: skip
            m2m_changed.connect(
                security.rights_changed, sender=through, dispatch_uid=f"log-{through.__name__}"
            )
