from allauth.account.adapter import get_adapter
from django import forms
from django.core.exceptions import ValidationError

from .images import PHOTO_MAX_BYTES, photo_clean
from .models import User


class SignupForm(forms.Form):
    """Extra sign-up field; allauth provides email and password."""

    full_name = forms.CharField(
        max_length=200,
        label="Full name",
        help_text="As it should appear on your badges.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
        get_adapter(request).unstash_signup_name(request)


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Full name")
    handle = forms.CharField(
        max_length=30,
        required=False,
        label="Profile address",
        help_text="Your public profile's address becomes /u/your-handle/: 3 to 30 letters, digits and hyphens. "
        "Links to its old address keep working.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
    )
    headline = forms.CharField(
        max_length=120, required=False, label="Headline", help_text="One line under your name, e.g. “Cloud engineer”."
    )
    photo = forms.FileField(
        required=False,
        label="Photo",
        help_text=f"PNG, JPEG or WebP, up to {PHOTO_MAX_BYTES // (1024 * 1024)} MB. It is cropped to a square.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_photo = forms.BooleanField(required=False, label="Remove my photo")
    profile_public = forms.BooleanField(
        required=False,
        label="Public profile",
        help_text="Anyone with the link can see your name and your public badges.",
    )

    def __init__(self, *args, user, going_private_warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.photo:
            del self.fields["remove_photo"]
        # Said next to the switch, before it is flipped: what unticking it breaks.
        field = self.fields["profile_public"]
        field.help_text = " ".join([field.help_text, *going_private_warnings])

    def clean_handle(self):
        handle = self.cleaned_data["handle"].strip().lower() or None
        if handle is None:
            return None
        for validator in User._meta.get_field("handle").validators:
            validator(handle)
        if User.objects.filter(handle=handle).exclude(pk=self.user.pk).exists():
            raise ValidationError("This handle is taken: choose another.", code="taken")
        return handle

    def clean_photo(self):
        photo = self.cleaned_data["photo"]
        return photo_clean(photo) if photo else None


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my account and the data listed above are deleted for good.",
        error_messages={"required": "Tick the box to confirm that you want your account deleted."},
    )
