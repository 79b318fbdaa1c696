from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from consular.documents import qr
from consular.documents.photos import MAX_FILE_BYTES, PHOTO_RULES

PHOTO_ACCEPT = "image/jpeg,image/png"


class VerifySealForm(forms.Form):
    """A seal, pasted as text or as a photo of its QR code: exactly one of the two."""

    payload = forms.CharField(
        label=_("The seal as text"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The groups of letters and digits printed under the QR code (hex or base64 also work)."),
    )
    photo = forms.FileField(
        label=_("Or a photo of the QR code"), required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("JPEG or PNG, at most 10 MB."),
    )

    def clean_payload(self) -> bytes | None:
        text = self.cleaned_data["payload"]
        if not text.strip():
            return None
        try:
            return qr.payload_bytes(text)
        except ValueError:
            raise ValidationError(_("This is not a seal's text: copy the groups printed under the QR code.")) from None

    def clean_photo(self) -> bytes | None:
        upload = self.cleaned_data["photo"]
        if not upload:
            return None
        if upload.size > qr.MAX_PHOTO_BYTES:
            raise ValidationError(_("The photo must be at most 10 MB."))
        try:
            return qr.read_qr(upload.read())
        except qr.NotASealImage:
            raise ValidationError(_("No QR code could be read in this photo. Photograph it straight on, "
                                    "in good light, filling most of the picture.")) from None

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        payload, photo = cleaned.get("payload"), cleaned.get("photo")
        if payload is None and photo is None:
            raise ValidationError(_("Paste the seal's text or choose a photo of its QR code."))
        if payload is not None and photo is not None:
            raise ValidationError(_("Give either the text or a photo, not both."))
        cleaned["seal"] = payload if payload is not None else photo
        return cleaned


class PhotoField(forms.FileField):
    """A photo upload; its content is judged by `consular.documents.photos`, only its size is capped here."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Photo"))
        kwargs.setdefault("help_text", PHOTO_RULES)
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": PHOTO_ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> UploadedFile | None:
        upload = super().clean(data, initial)
        # Refused before it is read into memory; the same words as the photo check uses.
        if upload and upload.size > MAX_FILE_BYTES:
            raise ValidationError(format_lazy(
                _("The file must be at most {limit} MB; this one is {size} MB."),
                limit=f"{MAX_FILE_BYTES / 1024 / 1024:.1f}", size=f"{upload.size / 1024 / 1024:.1f}",
            ))  # fmt: skip
        return upload
