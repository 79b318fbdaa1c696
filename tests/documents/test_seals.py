"""Visible digital seals: the byte layout of Doc 9303 Part 13, our signing keys, and verification by outsiders."""

import base64
import hashlib
import stat
from dataclasses import replace
from datetime import date

import ecdsa
import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from consular.documents import seals, signing
from consular.documents.mrz import VisaData, mrva_lines
from tests.documents.test_mrz import SETTINGS

# BSI TR-03137 Part 1, Annex F: the worked example of a visa sticker's seal (MRV-B, signed with
# brainpoolP224r1): header and message zone byte for byte.
ANNEX_F_SIGNED = bytes.fromhex(
    "dc036abc6d32c8a72cb10f7134b798155d01"  # header
    "022cdd52134a74da1347c6fed95cb89f9fce133c133c133c133c203833734aaf47f0c32f1a1e20eb2625393afe31"  # MRZ
    "0403a00000"  # duration of stay: 160 days
    "050633be1fed20c6"  # passport number 47110815P
)
ANNEX_F_SIGNATURE = bytes.fromhex(
    "d5573247608c9b64cae022c1c5249660e51ae316d600f974aac2129c3f093c35"
    "95531402630470" "5cd24c1b8100711bd4411f068e8d93e8b7"
)
ANNEX_F_MRZ_B = "VCD<<DENT<<ARTHUR<PHILIP<<<<<<<<<<<<" + "1234567XY7GBR5203116M2005250"

VISA = VisaData(
    document_code="V", issuing_state="JPN", surname="Eriksson", given_names="Anna María", number="JV0000123",
    nationality="SWE", birth_date=date(1974, 8, 12), sex="F", expiry_date=date(2027, 4, 15),
)
FEATURES = seals.VisaFeatures(mrz=mrva_lines(VISA), passport_number="L898902C3", entries=1, stay_days=90)


def _header(signer: signing.Signer, **changes) -> seals.Header:
    header = seals.Header(issuing_state="JPN", signer=signer.identifier, certificate_reference=signer.reference,
                          issued_on=date(2026, 12, 1), signed_on=date.today())
    return replace(header, **changes)


def _sealed(signer: signing.Signer, features: seals.VisaFeatures = FEATURES) -> bytes:
    return seals.seal(_header(signer), features.encode(), signer.sign)


def _verdict(data: bytes) -> signing.Verdict:
    return signing.verify(seals.read_seal(data), root=signing.root_certificate(),
                          certificates=signing.published_certificates(), crl=signing.revocation_list())


# --- the layout, against the worked examples -------------------------------------------


@pytest.mark.parametrize(("text", "encoded"), [
    ("XK<CD", "eb0466a9"),  # Annex B, table 6: < is a space; two left over are completed with shift 1
    ("XKCD", "eb11fe45"),  # table 7: one left over is 0xFE and its ASCII code plus 1
    ("47110815P", "33be1fed20c6"),
    ("D<<", "6abc"),
    ("DETS0232", "6d32c8a72cb1"),
])
def test_c40_is_written_as_the_worked_examples_write_it(text, encoded):
    assert seals.c40_encode(text).hex() == encoded
    assert seals.c40_decode(bytes.fromhex(encoded)) == text.replace("<", " ")


def test_dates_are_mmddyyyy_in_three_bytes():
    assert seals.encode_date(date(1957, 3, 25)).hex() == "319ef5"  # TR-03137, 3.2.3
    assert seals.encode_date(date(2020, 1, 1)).hex() == "0f7134"
    assert seals.decode_date(bytes.fromhex("b79815")) == date(2021, 12, 3)


def test_the_worked_visa_example_is_rebuilt_byte_for_byte():
    header = seals.Header(issuing_state="D", signer="DETS", certificate_reference="32", issued_on=date(2020, 1, 1),
                          signed_on=date(2021, 12, 3))
    features = [(seals.MRZ_MRV_B, seals.c40_encode(ANNEX_F_MRZ_B)), (seals.DURATION_OF_STAY, bytes([160, 0, 0])),
                (seals.PASSPORT_NUMBER, seals.c40_encode("47110815P"))]

    assert seals.seal(header, features, lambda signed: ANNEX_F_SIGNATURE) == (
        ANNEX_F_SIGNED + bytes([0xFF, 0x38]) + ANNEX_F_SIGNATURE)


def test_the_worked_visa_example_is_read_back():
    read = seals.read_seal(ANNEX_F_SIGNED + bytes([0xFF, 0x38]) + ANNEX_F_SIGNATURE)

    assert read.header == seals.Header(issuing_state="D<<", signer="DETS", certificate_reference="32",
                                       issued_on=date(2020, 1, 1), signed_on=date(2021, 12, 3))
    assert seals.c40_decode(read.features[seals.MRZ_MRV_B]).replace(" ", "<") == ANNEX_F_MRZ_B
    assert read.features[seals.DURATION_OF_STAY] == bytes([160, 0, 0])
    assert read.signed == ANNEX_F_SIGNED
    assert read.signature == ANNEX_F_SIGNATURE


def test_our_visa_seal_has_an_18_byte_header_and_an_mrv_a_mrz_of_48_bytes(keys):
    data = _sealed(keys)
    read = seals.read_seal(data)

    assert data[:2] == bytes([0xDC, 0x03])
    assert read.signed.index(bytes([seals.MRZ_MRV_A, 48])) == 18
    assert read.header.certificate_reference == keys.reference == "01"
    visa = seals.read_visa(read)
    assert visa.mrz_lines == (FEATURES.mrz[0], FEATURES.mrz[1][:28])
    assert (visa.passport_number, visa.entries, visa.stay) == ("L898902C3", 1, (90, 0, 0))
    assert len(read.signature) == 64


@pytest.mark.parametrize(("data", "complaint"), [
    (b"", "Too short"),
    (b"\xdb" + ANNEX_F_SIGNED[1:] + b"\xff\x01\x00", "starts with 0xDC"),
    (b"\xdc\x02" + ANNEX_F_SIGNED[2:] + b"\xff\x01\x00", "version 4"),
    (ANNEX_F_SIGNED, "no signature"),
    (ANNEX_F_SIGNED + b"\xff\x40\x00", "length does not match"),
    (ANNEX_F_SIGNED[:18] + b"\x02\x7f\x00\xff\x01\x00", "runs past the end"),
    (ANNEX_F_SIGNED[:18] + b"\xff\x01\x00", "no feature"),
])
def test_bytes_that_are_no_seal_are_refused_saying_why(data, complaint):
    with pytest.raises(seals.SealError, match=complaint):
        seals.read_seal(data)


# --- signing and verifying --------------------------------------------------------------


def test_a_seal_we_sign_verifies_with_the_published_certificates(keys):
    assert _verdict(_sealed(keys)) == signing.Verdict(True, "valid")


def test_one_changed_byte_makes_the_seal_invalid(keys):
    data = _sealed(keys)
    for position in range(len(data)):
        changed = data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]
        try:
            verdict = _verdict(changed)
        except seals.SealError:
            continue  # no longer a seal at all: refused before any signature is checked
        assert not verdict.valid, position


def test_a_rotated_signer_signs_new_seals_and_the_old_ones_still_verify(keys):
    old = _sealed(keys)
    new_signer = signing.issue_signer()
    new = _sealed(new_signer)

    assert new_signer.reference == "02" == signing.current_signer().reference
    assert _verdict(old).valid and _verdict(new).valid


def test_a_revoked_signers_seals_no_longer_verify_and_it_signs_no_more(keys):
    old = _sealed(keys)
    signing.revoke_signer(keys.reference)

    assert _verdict(old) == signing.Verdict(False, "signer-revoked")
    with pytest.raises(signing.SigningKeysMissing, match="seal_keys create"):
        signing.current_signer()
    assert _verdict(_sealed(signing.issue_signer())).valid


def test_a_seal_naming_an_unknown_certificate_is_not_valid(keys):
    data = seals.seal(_header(keys, certificate_reference="7F"), FEATURES.encode(), keys.sign)
    assert _verdict(data) == signing.Verdict(False, "unknown-signer")


def test_a_signer_of_another_root_is_not_trusted(keys, settings, tmp_path):
    ours = signing.root_certificate()
    settings.SEAL_KEYS_DIR = tmp_path / "forger"
    signing.create_root()
    forger = signing.issue_signer()  # same reference "01", another root

    verdict = signing.verify(seals.read_seal(_sealed(forger)), root=ours,
                             certificates=signing.published_certificates(), crl=None)
    assert verdict == signing.Verdict(False, "not-from-root")


def test_a_seal_dated_outside_its_signers_validity_is_not_valid(keys):
    data = seals.seal(_header(keys, signed_on=date(2001, 1, 1)), FEATURES.encode(), keys.sign)
    assert _verdict(data) == signing.Verdict(False, "outside-validity")


def test_private_keys_are_readable_by_their_owner_only(keys):
    for path in [signing.keys_dir() / "root.key.pem", *(signing.keys_dir() / "signers").glob("*.key.pem")]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


# --- an outsider's verification: a second reader and another ECDSA library ------------------


P256_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")


def _outsiders_public_key(certificate_pem: bytes) -> ecdsa.VerifyingKey:
    """The P-256 key of a certificate, found in its DER without an X.509 library."""
    der = base64.b64decode(b"".join(line for line in certificate_pem.splitlines() if not line.startswith(b"-----")))
    start = der.index(P256_SPKI_PREFIX)
    return ecdsa.VerifyingKey.from_der(der[start : start + len(P256_SPKI_PREFIX) + 65])


def _outsiders_check(data: bytes, certificate_pem: bytes) -> bool:
    """Part 13 read from scratch: the header's length from its signer field, TLVs up to 0xFF, then r || s."""
    signer_field_start = 4
    # The first 4 bytes of C40 hold 6 characters: the signer (4) and the reference's length in hex (2).
    c40 = dict(enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", start=4))
    values = [int.from_bytes(data[at : at + 2], "big") - 1 for at in (4, 6)]
    sixth = [c40[part] for value in values for part in (value // 1600, value // 40 % 40, value % 40)]
    reference_length = int("".join(sixth[4:6]), 16)
    field_chars = 6 + reference_length
    position = signer_field_start + 2 * ((field_chars + 2) // 3) + 8
    while data[position] != 0xFF:
        length = data[position + 1]
        assert length < 0x80, "our features are short"
        position += 2 + length
    signed, signature = data[:position], data[position + 2 : position + 2 + data[position + 1]]
    key = _outsiders_public_key(certificate_pem)
    try:
        return key.verify(signature, signed, hashfunc=hashlib.sha256, sigdecode=ecdsa.util.sigdecode_string)
    except ecdsa.BadSignatureError:
        return False


def test_an_outsider_with_another_library_verifies_our_seal_and_rejects_a_changed_byte(keys):
    data = _sealed(keys)
    certificate_pem = (signing.keys_dir() / "signers" / f"{keys.reference}.cert.pem").read_bytes()

    assert _outsiders_check(data, certificate_pem)
    mrz_byte = 18 + 2 + 5  # inside the MRZ feature
    assert not _outsiders_check(data[:mrz_byte] + bytes([data[mrz_byte] ^ 0x04]) + data[mrz_byte + 1 :],
                                certificate_pem)


@SETTINGS
@given(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 <", max_size=80))
def test_any_c40_text_reads_back(text):
    encoded = seals.c40_encode(text)
    assert seals.c40_decode(encoded) == text.replace("<", " ")
    assert len(encoded) == 2 * -(-len(text) // 3)  # two bytes per started triple


# --- the command ------------------------------------------------------------------------------


def test_the_command_creates_rotates_shows_and_revokes(settings, tmp_path, capsys):
    settings.SEAL_KEYS_DIR = tmp_path / "keys"
    call_command("seal_keys", "create")
    call_command("seal_keys", "rotate")
    call_command("seal_keys", "revoke", "01")
    call_command("seal_keys", "show")
    out = capsys.readouterr().out

    assert "signer 01" in out and "revoked" in out
    assert "signer 02   current" in out
    with pytest.raises(CommandError, match="already has a country signing root"):
        call_command("seal_keys", "create")
    with pytest.raises(CommandError, match="No signer 7F"):
        call_command("seal_keys", "revoke", "7F")


def test_without_keys_the_command_says_what_to_run(settings, tmp_path):
    settings.SEAL_KEYS_DIR = tmp_path / "none"
    with pytest.raises(CommandError, match="seal_keys create"):
        call_command("seal_keys", "rotate")


# --- the public certificates ------------------------------------------------------------------


@pytest.mark.django_db
def test_anyone_downloads_the_certificates_and_the_revocation_list(keys, client):
    signing.issue_signer()
    signing.revoke_signer(keys.reference)

    page = client.get("/seals/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "/seals/signers/01.pem" in text and "/seals/signers/02.pem" in text and "/seals/crl.pem" in text
    root = client.get("/seals/csca.pem")
    assert root.content == (signing.keys_dir() / "root.cert.pem").read_bytes()
    assert root["Content-Type"] == "application/x-pem-file"
    assert client.get("/seals/signers/02.pem").content.startswith(b"-----BEGIN CERTIFICATE-----")
    assert client.get("/seals/crl.pem").content.startswith(b"-----BEGIN X509 CRL-----")


@pytest.mark.django_db
def test_a_signer_never_issued_is_not_found(keys, client):
    assert client.get("/seals/signers/7F.pem").status_code == 404
    assert client.get("/seals/signers/01.key.pem").status_code == 404  # private keys have no URL


@pytest.mark.django_db
def test_before_any_key_exists_the_page_says_so(settings, tmp_path, client):
    settings.SEAL_KEYS_DIR = tmp_path / "none"
    assert "No seals are signed here yet." in client.get("/seals/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert client.get("/seals/csca.pem").status_code == 404
    assert client.get("/seals/crl.pem").status_code == 404
