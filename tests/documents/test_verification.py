"""The public /verify page and the signed list of revoked documents: what anyone holding a notice can check."""

import base64
import hashlib
import io
import json
from datetime import date

import ecdsa
import pytest
import segno
from PIL import Image

from consular.audit.models import AuditEntry
from consular.documents import qr, seals, signing, verification
from consular.documents.actions import AlreadyRevoked, revoke_sealed_document
from consular.documents.models import RevokedSeal
from tests.documents.test_seals import FEATURES, _outsiders_public_key, _sealed

pytestmark = pytest.mark.django_db


def _png(data: bytes) -> bytes:
    buffer = io.BytesIO()
    segno.make(data, error="m", mode="byte").save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


def _post(client, **fields):
    return client.post("/verify/", fields, HTTP_ACCEPT_LANGUAGE="en")


def test_a_pasted_seal_is_valid_and_its_data_shown(keys, client):
    response = _post(client, payload=qr.payload_text(_sealed(keys)))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Valid: our signer made this seal" in text
    assert "ERIKSSON" in text and "JV0000123" in text and "L898902C3" in text
    assert response["Cache-Control"] == "no-store, private"


def test_a_photo_of_the_qr_code_is_read(keys, client):
    photo = io.BytesIO(_png(_sealed(keys)))
    photo.name = "notice.png"
    assert "Valid: our signer made this seal" in _post(client, photo=photo).content.decode()


def test_hex_and_base64_are_read_too(keys):
    data = _sealed(keys)
    assert qr.payload_bytes(data.hex()) == data
    assert qr.payload_bytes(base64.b64encode(data).decode()) == data
    assert qr.payload_bytes(qr.payload_text(data).lower()) == data


def test_an_altered_seal_is_not_valid_and_shows_none_of_its_claims(keys, client):
    data = bytearray(_sealed(keys))
    data[30] ^= 0x01  # inside the MRZ

    text = _post(client, payload=bytes(data).hex()).content.decode()
    assert "Not valid." in text and "has been altered or is forged" in text
    assert "JV0000123" not in text


def test_a_revoked_visa_shows_as_revoked_at_once(keys, client):
    data = _sealed(keys)
    revoke_sealed_document(issuing_state="JPN", number="JV0000123", reason="revoked", by=None)

    text = _post(client, payload=qr.payload_text(data)).content.decode()
    assert "this visa was revoked on" in text
    assert verification.check_seal(data).state == "revoked"


def test_revoking_twice_is_refused_and_each_revocation_is_audited(keys):
    revoke_sealed_document(issuing_state="JPN", number="JV0000123", reason="cancelled", by=None)
    with pytest.raises(AlreadyRevoked):
        revoke_sealed_document(issuing_state="JPN", number="JV0000123", reason="revoked", by=None)

    assert RevokedSeal.objects.get().reason == "cancelled"
    assert AuditEntry.objects.filter(object_type="documents.revokedseal").count() == 1


def test_the_revocation_list_is_signed_and_an_outsider_checks_it(keys, client):
    revoke_sealed_document(issuing_state="JPN", number="JV0000123", reason="revoked", by=None)
    response = client.get("/seals/revoked.json")

    listed = json.loads(response.content)
    assert [entry["number"] for entry in listed["revoked"]] == ["JV0000123"]
    signature = base64.urlsafe_b64decode(listed.pop("signature") + "==")
    signed = json.dumps(listed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    certificate = (signing.keys_dir() / "signers" / f"{listed['certificate_reference']}.cert.pem").read_bytes()
    key = _outsiders_public_key(certificate)
    assert key.verify(signature, signed, hashfunc=hashlib.sha256, sigdecode=ecdsa.util.sigdecode_string)
    listed["revoked"] = []  # an entry taken off the list breaks the signature
    with pytest.raises(ecdsa.BadSignatureError):
        key.verify(signature, json.dumps(listed, sort_keys=True, separators=(",", ":")).encode(),
                   hashfunc=hashlib.sha256, sigdecode=ecdsa.util.sigdecode_string)


@pytest.mark.parametrize(("fields", "error"), [
    ({}, "Paste the seal&#x27;s text or choose a photo of its QR code."),
    ({"payload": "not a seal at all!"}, "This is not a seal&#x27;s text"),
])
def test_bad_input_is_a_clear_error_next_to_the_form(keys, client, fields, error):
    response = _post(client, **fields)
    assert response.status_code == 400
    assert error in response.content.decode()


def test_a_photo_without_a_qr_code_says_how_to_take_one(keys, client):
    blank = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(blank, format="PNG")
    blank.seek(0)
    blank.name = "blank.png"
    response = _post(client, photo=blank)
    assert response.status_code == 400
    assert "No QR code could be read in this photo" in response.content.decode()


def test_text_and_photo_together_are_refused(keys, client):
    photo = io.BytesIO(_png(_sealed(keys)))
    photo.name = "notice.png"
    response = _post(client, payload=qr.payload_text(_sealed(keys)), photo=photo)
    assert response.status_code == 400
    assert "not both" in response.content.decode()


def test_bytes_that_are_no_seal_are_not_valid(keys):
    assert verification.check_seal(b"\xdc\x03hello") == verification.SealCheck("invalid", "not-a-seal")


def test_without_keys_nothing_verifies(settings, tmp_path):
    settings.SEAL_KEYS_DIR = tmp_path / "none"
    header = seals.Header(issuing_state="JPN", signer="JPVS", certificate_reference="01",
                          issued_on=date(2026, 1, 1), signed_on=date(2026, 1, 1))
    data = seals.seal(header, FEATURES.encode(), lambda signed: bytes(64))
    assert verification.check_seal(data).state == "invalid"


def test_the_qr_code_is_an_svg_that_carries_the_seals_bytes(keys):
    data = _sealed(keys)
    svg = qr.qr_svg(data)
    assert svg.startswith("<svg") and "</svg>" in svg
    assert qr.read_qr(_png(data)) == data
