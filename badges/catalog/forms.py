"""Admin forms for catalog upkeep: retirements and badge artwork."""

from django import forms
from django.utils import timezone

from ..models import BadgeTemplate, Certification, Exam, Status
from .images import MAX_UPLOAD_BYTES, badge_image_clean


def retirement_clean(form, cleaned_data):
    """Retiring without a date means retiring today; an active row cannot carry a retirement date."""
    status, retired_on = cleaned_data.get("status"), cleaned_data.get("retired_on")
    if status == Status.RETIRED and not retired_on:
        cleaned_data["retired_on"] = timezone.localdate()
    elif status == Status.ACTIVE and retired_on:
        form.add_error(
            "retired_on", "Only a retired row has a retirement date: clear it, or set the status to retired."
        )
    return cleaned_data


class CertificationAdminForm(forms.ModelForm):
    class Meta:
        model = Certification
        fields = [
            "name",
            "slug",
            "level",
            "program",
            "product",
            "description",
            "skills",
            "url",
            "status",
            "retired_on",
            "superseded_by",
        ]
        help_texts = {"retired_on": "Left empty when retiring, today's date is used."}

    def clean(self):
        return retirement_clean(self, super().clean())


class ExamAdminForm(forms.ModelForm):
    class Meta:
        model = Exam
        fields = ["code", "title", "certifications", "product", "status", "retired_on"]
        help_texts = {"retired_on": "Left empty when retiring, today's date is used."}

    def clean(self):
        return retirement_clean(self, super().clean())


class BadgeTemplateAdminForm(forms.ModelForm):
    # A plain file field: the checks (and their messages) are ours, see badges/images.py.
    image = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=(
            f"PNG, JPEG or WebP, up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB. It is resized to a 600x600 PNG; "
            "left empty, a generated emblem is used."
        ),
    )

    class Meta:
        model = BadgeTemplate
        fields = [
            "issuer",
            "certification",
            "exam",
            "slug",
            "name",
            "description",
            "criteria",
            "skills",
            "image",
            "validity_months",
            "first_reminder_days",
            "second_reminder_days",
            "expiry_reminder_days",
            "renewal_url",
        ]

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("first_reminder_days"), cleaned.get("second_reminder_days")
        if first is not None and second is not None and second <= first:
            self.add_error("second_reminder_days", "The second reminder comes after the first: give more days.")
        return cleaned

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "content_type"):  # A new upload, not the file already stored.
            return badge_image_clean(image)
        return image


LEVEL_ORDER = ["Fundamentals", "Associate", "Expert", "Specialty"]
EXAM_LEVEL = "Exam"


class CatalogFilterForm(forms.Form):
    """The issuer page's search and filters: a GET form, so results are links and work without JavaScript."""

    q = forms.CharField(
        label="Search", required=False, max_length=100, help_text="Badge name, skill or exam code, e.g. AZ-104"
    )
    level = forms.ChoiceField(label="Level", required=False)
    product = forms.ChoiceField(label="Product", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Active and retired"), *Status.choices])

    def __init__(self, *args, levels=(), products=(), **kwargs):
        super().__init__(*args, **kwargs)
        ordered = sorted(levels, key=lambda x: (LEVEL_ORDER.index(x) if x in LEVEL_ORDER else len(LEVEL_ORDER), x))
        self.fields["level"].choices = [("", "All levels"), *((x, x) for x in [*ordered, EXAM_LEVEL])]
        self.fields["product"].choices = [("", "All products"), *((x, x) for x in sorted(products))]
        self.fields["q"].widget.input_type = "search"

    def filters(self):
        """The valid part of the query: a bad value in one field drops that filter, never the page."""
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}
