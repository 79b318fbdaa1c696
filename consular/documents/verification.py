"""Checking a seal as the public /verify page does, and the signed list of revoked documents.

The check uses nothing a verifier offline would not have: the published root, signer
certificates and CRL (`consular.documents.signing`), and the revocation list below. The list
is JSON, signed by the current signer so that it can be passed on and still trusted:

    {"certificate_reference": "01", "generated_at": "2026-12-02T07:00:00Z", "issuing_state": "JPN",
     "next_update": "2026-12-03T07:00:00Z", "revoked": [{"number": "JV0000123", "reason": "revoked",
     "revoked_on": "2026-12-02"}], "signer": "JPVS", "signature": "<base64url of r || s>"}

The signature (ECDSA P-256, SHA-256, r and s of 32 bytes each) covers the UTF-8 bytes of the
same object without "signature", written with sorted keys and no spaces (`_canonical`).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass

from consular.documents import seals, signing
from consular.documents.models import RevokedSeal
from consular.documents.mrz import ParsedMrz, parse_mrva

LIST_VALIDITY = dt.timedelta(days=1)  # a verifier offline should fetch the list again after a day


@dataclass(frozen=True)
class SealCheck:
    state: str  # "valid", "invalid" or "revoked"
    reason: str  # signing.Verdict's reason, "not-a-seal" or "not-a-visa"
    seal: seals.Seal | None = None
    visa: seals.ReadVisa | None = None
    mrz: ParsedMrz | None = None  # the visa's MRZ as the seal states it (without its optional data)
    revoked: RevokedSeal | None = None


def check_seal(data: bytes) -> SealCheck:
    """Read, verify and look up a seal; never raises for bad input."""
    try:
        read = seals.read_seal(data)
        visa = seals.read_visa(read)
    except seals.SealError:
        return SealCheck("invalid", "not-a-seal")
    try:
        root = signing.root_certificate()
    except signing.SigningKeysMissing:
        return SealCheck("invalid", "unknown-signer", read)
    verdict = signing.verify(read, root=root, certificates=signing.published_certificates(),
                             crl=signing.revocation_list())
    if not verdict.valid:
        # Nothing the seal claims is shown: an invalid seal's data is whatever its maker wrote.
        return SealCheck("invalid", verdict.reason, read)
    line1, line2_start = visa.mrz_lines
    mrz = parse_mrva(f"{line1}\n{line2_start.ljust(44, '<')}")
    number = mrz.number
    revoked = RevokedSeal.objects.filter(issuing_state=read.header.issuing_state, number=number).first()
    return SealCheck("revoked" if revoked else "valid", verdict.reason, read, visa, mrz, revoked)


def _canonical(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signed_revocation_list(*, issuing_state: str = "JPN") -> bytes:
    """Every revoked or cancelled sealed document, signed by the current signer."""
    signer = signing.current_signer()
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    document = {
        "issuing_state": issuing_state,
        "signer": signer.identifier,
        "certificate_reference": signer.reference,
        "generated_at": now.isoformat().replace("+00:00", "Z"),
        "next_update": (now + LIST_VALIDITY).isoformat().replace("+00:00", "Z"),
        "revoked": [
            {"number": entry.number, "reason": entry.reason, "revoked_on": entry.revoked_at.date().isoformat()}
            for entry in RevokedSeal.objects.filter(issuing_state=issuing_state).order_by("revoked_at", "pk")
        ],
    }
    signature = base64.urlsafe_b64encode(signer.sign(_canonical(document))).decode().rstrip("=")
    return json.dumps({**document, "signature": signature}, ensure_ascii=False, indent=1).encode()
