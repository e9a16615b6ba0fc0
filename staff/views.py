"""Staff's own sign-in pages in the admin."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from staff import enrolment
from staff.factors import has_factor
from staff.forms import EnrolmentCodeForm
from staff.sessions import sign_out_everywhere


@require_POST
def sign_out_everywhere_view(request):
    """Sign the person out of every session they have, this one included."""
    sign_out_everywhere(request.user)
    logout(request)
    return redirect("admin:login")


sign_out_everywhere_view = admin.site.admin_view(sign_out_everywhere_view)


def admin_login(request):
    """The admin's sign-in page is allauth's, which asks for the second factor. Someone signed
    in without staff status is told so here: allauth would send them back to the admin, which
    would send them here again."""
    if request.user.is_authenticated and not request.user.is_staff:
        return render(request, "staff/no_admin_access.html", status=403)
    target = reverse("account_login")
    next_url = request.GET.get("next", "/admin/")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        target += "?" + urlencode({"next": next_url})
    return redirect(target)


def no_self_service(request):
    """Passwords are reset by an Administrator, not by e-mail: a reset link in an inbox would
    bypass the second factor."""
    raise Http404("Ask an administrator to reset your password.")


@login_required
def enrol(request):
    """Before adding a first factor: the enrolment code an Administrator handed over."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if has_factor(request.user) or enrolment.allowed(request):
        return redirect(next_url or "mfa_index")
    form = EnrolmentCodeForm(request.POST or None)
    if form.is_valid():
        if enrolment.redeem(request, form.cleaned_data["code"]):
            return redirect(next_url or "mfa_index")
        form.add_error(
            "code", "That code is wrong, used or expired. Ask an administrator for a new one."
        )
    context = {"form": form, "hours": settings.STAFF_ENROLMENT_CODE_HOURS}
    return render(request, "staff/enrol.html", context)
