"""The keys that sign seals, and the certificates anyone needs to check them without asking us.

Files under SEAL_KEYS_DIR (outside the database and the web root; give it its own volume and
backup, readable only by the application's user):

    root.key.pem, root.cert.pem       the country signing root (CSCA): a self-signed ECDSA P-256
                                      certificate that signs the signers' certificates and the CRL
    signers/<REF>.key.pem             a signer's private key (P-256)
    signers/<REF>.cert.pem            its certificate, issued by the root; <REF> is its serial number
                                      in upper-case hex, the certificate reference in every seal
    current                           the reference of the signer that signs new seals
    crl.pem                           the root's list of revoked signer certificates

`python manage.py seal_keys` creates the root and a signer, rotates to a new signer (the old
one stays published: the seals it signed remain verifiable) and revokes a signer whose key may
have leaked. The root's private key is needed only for those three; in production keep it
offline and bring it to the machine for them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.x509.oid import NameOID
from django.conf import settings

from consular.documents.seals import Seal

CURVE_BYTES = 32  # P-256: r and s are 32 bytes each in a seal
ROOT_YEARS = 15
SIGNER_YEARS = 10  # a visa's seal must verify for as long as the visa (and its records) matter
SIGNER_IDENTIFIER = "JPVS"  # Japan's visa signer: the country's 2 letters and the signer's 2
COUNTRY = "JP"
ORGANISATION = "Ministry of Foreign Affairs of Japan"


class SigningKeysMissing(RuntimeError):
    """No root or no current signer under SEAL_KEYS_DIR: `manage.py seal_keys create` makes them."""


def keys_dir() -> Path:
    return Path(settings.SEAL_KEYS_DIR)


def _write_private(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


def _write_public(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)  # readers never see half a file


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, COUNTRY),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# ---------------------------------------------------------------------------------------
# The root and the signers
# ---------------------------------------------------------------------------------------


def root_certificate() -> x509.Certificate:
    path = keys_dir() / "root.cert.pem"
    if not path.exists():
        raise SigningKeysMissing(f"No country signing root in {keys_dir()}: run `manage.py seal_keys create`.")
    return x509.load_pem_x509_certificate(path.read_bytes())


def _root_key() -> ec.EllipticCurvePrivateKey:
    path = keys_dir() / "root.key.pem"
    if not path.exists():
        raise SigningKeysMissing(f"The root's private key is not in {keys_dir()}; bring it for this step.")
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def create_root() -> x509.Certificate:
    """The country signing root; refuses to replace one (every seal ever signed hangs from it)."""
    if (keys_dir() / "root.cert.pem").exists():
        raise FileExistsError(f"{keys_dir()} already has a country signing root.")
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("Country Signing CA for Visible Digital Seals")
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(keys_dir() / "root.key.pem", key)
    _write_public(keys_dir() / "root.cert.pem", certificate.public_bytes(serialization.Encoding.PEM))
    write_revocation_list()
    return certificate


@dataclass(frozen=True)
class Signer:
    reference: str  # the certificate's serial number in upper-case hex, as a seal's header names it
    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey
    identifier: str = SIGNER_IDENTIFIER

    def sign(self, data: bytes) -> bytes:
        """ECDSA P-256 with SHA-256, as a seal carries it: r and s, 32 bytes each."""
        r, s = decode_dss_signature(self.private_key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(CURVE_BYTES, "big") + s.to_bytes(CURVE_BYTES, "big")


def published_certificates() -> dict[str, x509.Certificate]:
    """Every signer certificate ever issued, by reference: what a verifier downloads once."""
    folder = keys_dir() / "signers"
    if not folder.exists():
        return {}
    return {
        path.name.removesuffix(".cert.pem"): x509.load_pem_x509_certificate(path.read_bytes())
        for path in sorted(folder.glob("*.cert.pem"))
    }


def issue_signer() -> Signer:
    """A new signer under the root, made current; earlier signers stay published for their seals."""
    root, root_key = root_certificate(), _root_key()
    issued = published_certificates()
    serial = max((certificate.serial_number for certificate in issued.values()), default=0) + 1
    reference = f"{serial:02X}"
    key = ec.generate_private_key(ec.SECP256R1())
    now = _now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(f"Visa Seal Signer {reference}")).issuer_name(root.subject)
        .public_key(key.public_key()).serial_number(serial)
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=365 * SIGNER_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    _write_private(keys_dir() / "signers" / f"{reference}.key.pem", key)
    _write_public(keys_dir() / "signers" / f"{reference}.cert.pem",
                  certificate.public_bytes(serialization.Encoding.PEM))
    _write_public(keys_dir() / "current", reference.encode())
    return Signer(reference, certificate, key)


def current_signer() -> Signer:
    """The signer of new seals; SigningKeysMissing, saying what to run, if there is none."""
    current = keys_dir() / "current"
    if not current.exists():
        raise SigningKeysMissing(f"No current seal signer in {keys_dir()}: run `manage.py seal_keys create`.")
    reference = current.read_text().strip()
    folder = keys_dir() / "signers"
    key = serialization.load_pem_private_key((folder / f"{reference}.key.pem").read_bytes(), password=None)
    certificate = x509.load_pem_x509_certificate((folder / f"{reference}.cert.pem").read_bytes())
    return Signer(reference, certificate, key)


# ---------------------------------------------------------------------------------------
# Revoked signers
# ---------------------------------------------------------------------------------------


def revocation_list() -> x509.CertificateRevocationList | None:
    path = keys_dir() / "crl.pem"
    return x509.load_pem_x509_crl(path.read_bytes()) if path.exists() else None


def write_revocation_list(add: int | None = None) -> x509.CertificateRevocationList:
    """The root's CRL, re-signed (with the serial `add` revoked from now, if given)."""
    root, root_key = root_certificate(), _root_key()
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject).last_update(now).next_update(now + dt.timedelta(days=30))
    )
    revoked = {entry.serial_number: entry for entry in (revocation_list() or [])}
    if add is not None and add not in revoked:
        revoked[add] = x509.RevokedCertificateBuilder().serial_number(add).revocation_date(now).build()
    for entry in revoked.values():
        builder = builder.add_revoked_certificate(entry)
    crl = builder.sign(root_key, hashes.SHA256())
    _write_public(keys_dir() / "crl.pem", crl.public_bytes(serialization.Encoding.PEM))
    return crl


def revoke_signer(reference: str) -> None:
    """A signer whose key may have leaked: its seals stop verifying. Issue a new signer after this."""
    certificates = published_certificates()
    if reference not in certificates:
        raise KeyError(f"No signer {reference} in {keys_dir()}.")
    write_revocation_list(add=certificates[reference].serial_number)
    current = keys_dir() / "current"
    if current.exists() and current.read_text().strip() == reference:
        current.unlink()


# ---------------------------------------------------------------------------------------
# Verification, with nothing but the published files
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    valid: bool
    # "valid", "unknown-signer", "not-from-root", "signer-revoked", "outside-validity" or "bad-signature"
    reason: str


def verify(
    read: Seal,
    *,
    root: x509.Certificate,
    certificates: dict[str, x509.Certificate],
    crl: x509.CertificateRevocationList | None,
) -> Verdict:
    """Whether the seal was signed by a signer of this root, not revoked, within its validity."""
    certificate = certificates.get(read.header.certificate_reference)
    if certificate is None:
        return Verdict(False, "unknown-signer")
    try:
        certificate.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature):
        return Verdict(False, "not-from-root")
    if crl is not None:
        if not crl.is_signature_valid(root.public_key()):
            return Verdict(False, "not-from-root")
        if crl.get_revoked_certificate_by_serial_number(certificate.serial_number) is not None:
            return Verdict(False, "signer-revoked")
    signed_on = read.header.signed_on
    if not certificate.not_valid_before_utc.date() <= signed_on <= certificate.not_valid_after_utc.date():
        return Verdict(False, "outside-validity")
    if len(read.signature) != 2 * CURVE_BYTES:
        return Verdict(False, "bad-signature")
    r = int.from_bytes(read.signature[:CURVE_BYTES], "big")
    s = int.from_bytes(read.signature[CURVE_BYTES:], "big")
    try:
        certificate.public_key().verify(encode_dss_signature(r, s), read.signed, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return Verdict(False, "bad-signature")
    return Verdict(True, "valid")
