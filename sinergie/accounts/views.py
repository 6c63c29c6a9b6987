from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from sinergie.accounts.forms import NameForm
from sinergie.accounts.services import user_name_change


@login_required
@require_safe
def mfa_required(request: HttpRequest) -> HttpResponse:
    """Explains to a staff member why they must enrol a second factor before going on."""
    return render(request, "accounts/mfa_required.html")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def name(request: HttpRequest) -> HttpResponse:
    """Your first and last name, as applications, receipts and greetings show them."""
    user = request.user
    following = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(following, allowed_hosts={request.get_host()}, require_https=False):
        following = ""
    if request.method == "POST":
        form = NameForm(request.POST)
        if form.is_valid():
            user_name_change(
                user=user,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                request=request,
            )
            messages.success(request, _("Your name has been saved."))
            return redirect(following or "web:dashboard")
        status = 400
    else:
        form = NameForm(initial={"first_name": user.first_name, "last_name": user.last_name})
        status = 200
    return render(request, "accounts/name.html", {"form": form, "next": following}, status=status)
