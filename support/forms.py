from django import forms

HONEYPOT = "website"


class SupportContactForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(label="Your email address", help_text="We reply to this address.")
    concerning = forms.CharField(
        label="Badge or exam concerned",
        max_length=200,
        required=False,
        help_text="For example AZ-104 or the badge's name. Leave empty if it is not about one badge.",
    )
    message = forms.CharField(label="How can we help?", max_length=5000, widget=forms.Textarea(attrs={"rows": 7}))
    # People never see this field; bots that fill every input do.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != HONEYPOT]

    @property
    def honeypot(self):
        return self[HONEYPOT]

    @property
    def filled_by_a_bot(self):
        return bool(self.data.get(HONEYPOT, "").strip())
