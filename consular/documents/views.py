"""The public side of our seals: the certificates and revocation list anyone needs to verify one offline.

No sign-in: border officers, airlines and the holders themselves download these once and check
seals with no connection to us. Nothing here is personal data.
"""

from cryptography.hazmat.primitives import serialization
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from consular.documents import signing, verification
from consular.documents.forms import VerifySealForm
from consular.documents.seals import MULTIPLE_ENTRIES

PEM = "application/x-pem-file"


def _pem(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=PEM)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def seal_certificates(request: HttpRequest) -> HttpResponse:
    """What a verifier downloads: the root, every signer ever issued (with its state), the CRL."""
    try:
        root = signing.root_certificate()
    except signing.SigningKeysMissing:
        root = None
    crl = signing.revocation_list() if root is not None else None
    signers = []
    for reference, certificate in signing.published_certificates().items():
        revoked = crl is not None and crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
        signers.append({"reference": reference, "revoked": bool(revoked),
                        "valid_from": certificate.not_valid_before_utc, "valid_until": certificate.not_valid_after_utc})
    return render(request, "documents/seal_certificates.html", {
        "root": root, "signers": signers, "crl": crl,
    })


def root_certificate(request: HttpRequest) -> HttpResponse:
    try:
        root = signing.root_certificate()
    except signing.SigningKeysMissing as missing:
        raise Http404("No country signing root yet.") from missing
    return _pem(root.public_bytes(serialization.Encoding.PEM), "csca.pem")


def signer_certificate(request: HttpRequest, reference: str) -> HttpResponse:
    certificate = signing.published_certificates().get(reference)
    if certificate is None:
        raise Http404("No such signer.")
    return _pem(certificate.public_bytes(serialization.Encoding.PEM), f"signer-{reference}.pem")


def revocation_list(request: HttpRequest) -> HttpResponse:
    crl = signing.revocation_list()
    if crl is None:
        raise Http404("No revocation list yet.")
    return _pem(crl.public_bytes(serialization.Encoding.PEM), "crl.pem")


def revoked_documents(request: HttpRequest) -> HttpResponse:
    """The signed list of revoked and cancelled sealed documents (consular/documents/verification.py)."""
    try:
        body = verification.signed_revocation_list()
    except signing.SigningKeysMissing as missing:
        raise Http404("No seal signer yet.") from missing
    return HttpResponse(body, content_type="application/json")


# Why a seal is not valid, in words for whoever holds it (the codes are signing.Verdict's).
INVALID_BECAUSE = {
    "not-a-seal": _("This is not a seal of ours: its bytes do not have the layout of an ICAO visible digital seal "
                    "for a visa."),
    "unknown-signer": _("The seal names a signer certificate we never issued."),
    "not-from-root": _("The seal's signer is not certified by our country signing certificate."),
    "signer-revoked": _("The certificate of the seal's signer has been revoked; its seals are no longer valid."),
    "outside-validity": _("The seal is dated outside the validity of its signer's certificate."),
    "bad-signature": _("The signature does not match the data: the seal has been altered or is forged."),
}


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks a seal: valid, invalid or revoked, with what a valid seal states."""
    form = VerifySealForm(request.POST, request.FILES) if request.method == "POST" else VerifySealForm()
    check, status = None, 200
    if form.is_bound:
        if form.is_valid():
            check = verification.check_seal(form.cleaned_data["seal"])
        else:
            status = 400
    context = {"form": form, "check": check, "multiple": MULTIPLE_ENTRIES,
               "invalid_because": INVALID_BECAUSE.get(check.reason) if check else None}
    return render(request, "documents/verify.html", context, status=status)
