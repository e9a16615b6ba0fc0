"""Staff's own sign-in pages in the admin."""

from django.contrib import admin
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from staff.sessions import sign_out_everywhere


@require_POST
def sign_out_everywhere_view(request):
    """Sign the person out of every session they have, this one included."""
    sign_out_everywhere(request.user)
    logout(request)
    return redirect("admin:login")


sign_out_everywhere_view = admin.site.admin_view(sign_out_everywhere_view)
