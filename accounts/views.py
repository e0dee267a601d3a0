from allauth.account import views as allauth_views
from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from . import personal_data, profile_visibility
from .adapter import SIGNUP_NAME_SESSION_KEY
from .forms import AccountDeleteForm, ProfileForm
from .models import DataExport
from .services import account_delete, data_export_request, profile_update

# While an export is being prepared, its status page reloads itself this often, if the earner asks it to:
# a page that reloads on its own unasked disrupts screen readers (WCAG 2.2.1), so the default is a button.
EXPORT_REFRESH_SECONDS = 3
# Marks the one visit to the goodbye page that follows a deletion.
GOODBYE_SESSION_KEY = "account_deleted"


class SignupView(allauth_views.SignupView):
    """allauth's sign-up, with the name filled in when the site already knows it (see `stash_signup_name`)."""

    def get_initial(self):
        initial = super().get_initial()
        if name := self.request.session.get(SIGNUP_NAME_SESSION_KEY):
            initial["full_name"] = name
        return initial


signup = SignupView.as_view()


@login_required
def profile_settings(request):
    user = request.user
    initial = {name: getattr(user, name) for name in ("full_name", "handle", "headline", "profile_public")}
    going_private = profile_visibility.going_private_warnings(user) if user.profile_public else ()
    form = ProfileForm(
        request.POST or None, request.FILES or None, initial=initial, user=user, going_private_warnings=going_private
    )
    if request.method == "POST" and form.is_valid():
        went_private = user.profile_public and not form.cleaned_data["profile_public"]
        try:
            profile_update(user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if went_private:
                messages.success(request, "Your profile is private: it and your badge links answer “not found”.")
            else:
                messages.success(request, "Your profile is saved.")
            return redirect("profile_settings")
    return render(request, "accounts/profile_settings.html", {"form": form})


def _render_data_page(request, status=200):
    exports = request.user.data_exports.all()[:5]
    context = {"exports": exports, "link_days": settings.DATA_EXPORT_LINK_DAYS}
    return render(request, "accounts/data.html", context, status=status)


@login_required
def account_data(request):
    return _render_data_page(request)


def _export_rate(group, request):
    return settings.DATA_EXPORT_RATE_LIMIT


@require_POST
@login_required
@ratelimit(key="user", rate=_export_rate, method="POST", block=False)
def data_export_start(request):
    if request.limited:
        messages.error(request, "You have asked for several downloads today. Use the latest one, or try tomorrow.")
        return _render_data_page(request, status=429)
    export = data_export_request(user=request.user)
    return redirect("data_export_status", export.public_id)


@never_cache
@login_required
def data_export_status(request, public_id):
    export = get_object_or_404(DataExport, public_id=public_id, user=request.user)
    context = {
        "export": export,
        "refresh": EXPORT_REFRESH_SECONDS,
        "auto_refresh": export.is_unfinished and request.GET.get("refresh") == "on",
    }
    return render(request, "accounts/data_export.html", context)


@never_cache
@login_required
def data_export_download(request, public_id):
    export = get_object_or_404(DataExport, public_id=public_id, user=request.user)
    if export.is_expired:
        return _export_gone(request, export)
    if not export.is_downloadable:
        return redirect("data_export_status", export.public_id)
    try:
        archive = export.file.open("rb")
    except FileNotFoundError:  # removed from the disk behind our back: as good as expired
        return _export_gone(request, export)
    return FileResponse(archive, as_attachment=True, filename=export.file.name.rsplit("/", 1)[-1])


def _export_gone(request, export):
    context = {"export": export, "link_days": settings.DATA_EXPORT_LINK_DAYS}
    return render(request, "accounts/data_export_gone.html", context, status=410)


@login_required
@reauthentication_required
def delete_account(request):
    # An unticked box posts nothing at all, which must still count as an answer.
    form = AccountDeleteForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        account_delete(user=request.user)
        logout(request)
        request.session[GOODBYE_SESSION_KEY] = True
        return redirect("account_deleted")
    context = {"form": form, "losses": personal_data.deletion_losses(request.user)}
    return render(request, "accounts/delete.html", context)


def account_deleted(request):
    if not request.session.pop(GOODBYE_SESSION_KEY, False):
        return redirect("home")
    return render(request, "accounts/deleted.html")
