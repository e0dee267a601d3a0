from datetime import timedelta

from django import forms
from django.utils import timezone

from ..models import BadgeTemplate, Issuer

# A range longer than this is refused: the chart's weeks would no longer be readable.
MAX_DAYS = 3 * 366


class DashboardForm(forms.Form):
    issuer = forms.ModelChoiceField(Issuer.objects.order_by("name"), required=False, empty_label="All issuers")
    template = forms.ModelChoiceField(
        BadgeTemplate.objects.order_by("name"), required=False, empty_label="All badges", label="Badge"
    )
    start = forms.DateField(label="Issued from", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="to", widget=forms.DateInput(attrs={"type": "date"}))

    @staticmethod
    def default_range(today=None):
        today = today or timezone.localdate()
        return today - timedelta(weeks=12), today

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError("The start of the range is after its end.")
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError("Choose a range of three years at most.")
        return cleaned
