"""Staff's own sign-in pages in the admin."""

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from staff.sessions import sign_out_everywhere


@require_POST
def sign_out_everywhere_view(request):
    """Sign the person out of every session they have, this one included."""
    sign_out_everywhere(request.user)
    logout(request)
    return redirect("admin:login")


sign_out_everywhere_view = admin.site.admin_view(sign_out_everywhere_view)


def admin_login(request):
    """The admin's sign-in page is allauth's, which asks for the second factor."""
    target = reverse("account_login")
    next_url = request.GET.get("next", "/admin/")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        target += "?" + urlencode({"next": next_url})
    return redirect(target)


def no_self_service(request):
    """Passwords are reset by an Administrator, not by e-mail: a reset link in an inbox would
    bypass the second factor."""
    raise Http404("Ask an administrator to reset your password.")
