from django import forms


class ClaimForm(forms.Form):
    """The claim page's one choice: whether the address the badge was sent to joins the account too."""

    add_address = forms.BooleanField(required=False, label_suffix="")

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["add_address"]
        field.label = f"Also add {email} to my account"
        field.help_text = (
            "Only if this address is yours: badges sent to it later then go straight to your account, and "
            "nobody else can sign up with it. Leave it unticked if someone forwarded you this email; you "
            "collect this badge either way."
        )
