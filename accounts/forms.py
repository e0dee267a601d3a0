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


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=200, label="Full name")
    profile_public = forms.BooleanField(
        required=False,
        label="Public profile",
        help_text="Anyone with the link can see your name and your public badges.",
    )


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that my account and the data listed above are deleted for good.",
        error_messages={"required": "Tick the box to confirm that you want your account deleted."},
    )
