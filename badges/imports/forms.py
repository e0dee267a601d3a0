from django import forms
from django.conf import settings

from ..models import DuplicatePolicy
from .parsing import COLUMNS, ENCODINGS
from .services import too_large_message


class AwardImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Comma, semicolon or tab separated; UTF-8, UTF-16 or Latin-1. One row per award, a header first.",
    )
    encoding = forms.ChoiceField(
        choices=[("", "Detect it")] + list(ENCODINGS.items()),
        required=False,
        help_text="Leave on “Detect it” unless names come out garbled in the preview.",
    )
    duplicates = forms.ChoiceField(
        label="An address that already holds the badge",
        choices=DuplicatePolicy.choices,
        initial=DuplicatePolicy.SKIP,
        widget=forms.RadioSelect,
    )
    send_email = forms.BooleanField(
        label="Send claim emails",
        required=False,
        initial=True,
        help_text="Untick to issue without email: earners then collect the badges by signing up with the address.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.AWARD_IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large_message(), code="too_large")
        return upload


def column_help():
    """The accepted header names, for the upload page."""
    return [(aliases[0], aliases[1:]) for aliases in COLUMNS.values()]
