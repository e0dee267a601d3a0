from allauth.account.adapter import get_adapter
from django import forms


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
    profile_public = forms.BooleanField(
        required=False,
        label="Public profile",
        help_text="Anyone with the link can see your name and your public badges.",
    )

    def __init__(self, *args, going_private_warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Said next to the switch, before it is flipped: what unticking it breaks.
        field = self.fields["profile_public"]
        field.help_text = " ".join([field.help_text, *going_private_warnings])


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my account and the data listed above are deleted for good.",
        error_messages={"required": "Tick the box to confirm that you want your account deleted."},
    )
