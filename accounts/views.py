from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .forms import ProfileForm


@login_required
def profile_settings(request):
    user = request.user
    form = ProfileForm(
        request.POST or None, initial={"full_name": user.full_name, "profile_public": user.profile_public}
    )
    if request.method == "POST" and form.is_valid():
        user.full_name = form.cleaned_data["full_name"]
        user.profile_public = form.cleaned_data["profile_public"]
        user.save(update_fields=["full_name", "profile_public"])
        messages.success(request, "Your profile is saved.")
        return redirect("profile_settings")
    return render(request, "accounts/profile_settings.html", {"form": form})
