"""The public side of our seals: the certificates and revocation list anyone needs to verify one offline.

No sign-in: border officers, airlines and the holders themselves download these once and check
seals with no connection to us. Nothing here is personal data.
"""

from cryptography.hazmat.primitives import serialization
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from consular.documents import signing

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
