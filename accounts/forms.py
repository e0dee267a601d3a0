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
