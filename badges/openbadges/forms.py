from django import forms

from . import baking


class AwardVerifyForm(forms.Form):
    email = forms.EmailField(
        required=False,
        label="Earner's email address (optional)",
        help_text="Checked against the badge's hashed recipient; it is not stored or shown.",
    )


class VerifyForm(forms.Form):
    image = forms.FileField(
        required=False,
        label="Baked badge image (PNG)",
        help_text=f"A PNG badge downloaded from a badge page, up to {baking.MAX_PNG_BYTES // (1024 * 1024)} MB.",
    )
    url = forms.URLField(required=False, label="Or the badge's address", assume_scheme="https")
    token = forms.CharField(
        required=False,
        label="Or a signed Open Badges 3.0 credential (JWT)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=64 * 1024,
    )
    email = forms.EmailField(
        required=False,
        label="Earner's email address (optional)",
        help_text="Checked against the badge's hashed recipient; it is not stored or shown.",
    )

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if upload is None:
            return None
        if upload.size > baking.MAX_PNG_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {baking.MAX_PNG_BYTES // (1024 * 1024)} MB; badge images are much smaller."
            )
        content = upload.read(baking.MAX_PNG_BYTES + 1)
        if not content.startswith(baking.PNG_SIGNATURE):
            raise forms.ValidationError("The file is not a PNG image. Baked badges are PNG files.")
        return content

    def clean(self):
        data = super().clean()
        given = [name for name in ("image", "url", "token") if data.get(name)]
        if not self.errors and len(given) != 1:
            raise forms.ValidationError("Give one thing to verify: an image, an address or a credential.")
        data["token"] = (data.get("token") or "").strip()
        return data
