from django import forms

from .services import MAX_EMAIL_MESSAGE, MAX_EMAIL_RECIPIENTS, parse_recipients


class ShareEmailForm(forms.Form):
    recipients = forms.CharField(
        label="Email addresses",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text=f"Separate addresses with commas or new lines; up to {MAX_EMAIL_RECIPIENTS} at a time.",
    )
    message = forms.CharField(
        label="Message (optional)",
        required=False,
        max_length=MAX_EMAIL_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_recipients(self):
        return parse_recipients(self.cleaned_data["recipients"])
