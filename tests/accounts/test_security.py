from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from consular.accounts.views import REAUTHENTICATED_AT
from consular.audit.models import AuditEntry
from tests.accounts.test_sign_in import current_code
from tests.factories import PASSWORD, TOTPDeviceFactory


def reauthenticated(client):
    session = client.session
    session[REAUTHENTICATED_AT] = timezone.now().isoformat()
    session.save()
    return client


def test_changing_second_factor_needs_reauthentication(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    response = client.post("/accounts/security/backup-codes/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert not StaticDevice.objects.filter(user=nyc_clerk).exists()


def test_reauthentication_with_wrong_password_is_refused(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    response = client.post("/accounts/reauthenticate/", {"password": "nope", "code": current_code(nyc_clerk)},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and b"The password or code is not correct." in response.content
    assert REAUTHENTICATED_AT not in client.session


def test_reauthentication_then_new_backup_codes_replace_old_ones(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    response = client.post("/accounts/reauthenticate/?next=/accounts/security/",
                           {"password": PASSWORD, "code": current_code(nyc_clerk)})
    assert response.status_code == 302 and response["Location"] == "/accounts/security/"
    first = client.post("/accounts/security/backup-codes/").context["codes"]
    second = client.post("/accounts/security/backup-codes/").context["codes"]
    tokens = set(StaticDevice.objects.get(user=nyc_clerk).token_set.values_list("token", flat=True))
    assert tokens == set(second) and not tokens & set(first)
    changes = AuditEntry.unscoped.filter(username="nyc_clerk", action="second_factor")
    assert changes.count() == 2


def test_the_only_authenticator_cannot_be_removed(signed_in, nyc_clerk):
    client = reauthenticated(signed_in(nyc_clerk))
    device = TOTPDevice.objects.get(user=nyc_clerk)
    response = client.post("/accounts/security/remove/", {"device": f"totp:{device.pk}"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_a_second_authenticator_can_be_removed_and_it_is_audited(signed_in, nyc_clerk):
    client = reauthenticated(signed_in(nyc_clerk))
    spare = TOTPDeviceFactory(user=nyc_clerk, name="Old phone")
    client.post("/accounts/security/remove/", {"device": f"totp:{spare.pk}"})
    assert not TOTPDevice.objects.filter(pk=spare.pk).exists()
    assert AuditEntry.unscoped.filter(username="nyc_clerk", action="second_factor", object_id=str(spare.pk)).exists()


def test_another_users_device_cannot_be_removed(signed_in, nyc_clerk, london_clerk):
    client = reauthenticated(signed_in(nyc_clerk))
    TOTPDeviceFactory(user=nyc_clerk, name="Spare")
    theirs = TOTPDeviceFactory(user=london_clerk, name="Their spare")
    client.post("/accounts/security/remove/", {"device": f"totp:{theirs.pk}"})
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


def test_verified_user_adding_an_authenticator_must_reauthenticate(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    assert client.get("/accounts/security/authenticator/")["Location"].startswith("/accounts/reauthenticate/")
    reauthenticated(client)
    assert client.get("/accounts/security/authenticator/").status_code == 200


def test_password_change_needs_the_old_password_and_a_valid_new_one(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    weak = client.post("/accounts/security/password/",
                       {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 400 and "new_password2" in weak.context["form"].errors
    better = "a-much-better-passphrase"
    wrong_old = client.post("/accounts/security/password/",
                            {"old_password": "not-it", "new_password1": better, "new_password2": better})
    assert "old_password" in wrong_old.context["form"].errors
    nyc_clerk.refresh_from_db()
    assert nyc_clerk.check_password(PASSWORD)


def test_password_change_keeps_this_session_and_is_audited(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    response = client.post("/accounts/security/password/", {
        "old_password": PASSWORD, "new_password1": "a-much-better-passphrase",
        "new_password2": "a-much-better-passphrase"})
    assert response.status_code == 302
    nyc_clerk.refresh_from_db()
    assert nyc_clerk.check_password("a-much-better-passphrase")
    assert client.get("/").status_code == 200
    entry = AuditEntry.unscoped.get(action="update", object_type="auth.user")
    assert "a-much-better" not in str(entry.changes)


def test_passkey_registration_needs_reauthentication(signed_in, nyc_clerk, settings):
    client = signed_in(nyc_clerk)
    refused = client.post("/webauthn/registration/begin/", content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "reauthentication_required"
    allowed = reauthenticated(client).post("/webauthn/registration/begin/", content_type="application/json")
    assert allowed.status_code == 200
    assert allowed.json()["rp"]["id"] == settings.OTP_WEBAUTHN_RP_ID


def test_wrong_passwords_at_reauthentication_lead_to_lock_out_and_end_the_session(signed_in, nyc_clerk, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = signed_in(nyc_clerk)
    for _ in range(3):
        client.post("/accounts/reauthenticate/", {"password": "guess", "code": "000000"}, REMOTE_ADDR="10.9.9.9")
    assert client.get("/").status_code == 302, "the session of a password guesser ends"
    locked = Client().post("/accounts/sign-in/", {"username": "nyc_clerk", "password": PASSWORD},
                           REMOTE_ADDR="10.9.9.9")
    assert locked.status_code == 429


def test_wrong_old_passwords_at_password_change_count_towards_lock_out(signed_in, nyc_clerk, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = signed_in(nyc_clerk)
    better = "a-much-better-passphrase"
    for _ in range(3):
        client.post("/accounts/security/password/",
                    {"old_password": "guess", "new_password1": better, "new_password2": better},
                    REMOTE_ADDR="10.9.9.8")
    nyc_clerk.refresh_from_db()
    assert nyc_clerk.check_password(PASSWORD)
    assert AccessAttempt.objects.filter(username="nyc_clerk").exists()


def test_the_last_authenticator_app_stays_even_when_a_passkey_exists(signed_in, nyc_clerk):
    client = reauthenticated(signed_in(nyc_clerk))
    WebAuthnCredential.objects.create(user=nyc_clerk, name="Laptop", confirmed=True, credential_id=b"id",
                                      public_key=b"key", sign_count=0)
    device = TOTPDevice.objects.get(user=nyc_clerk)
    client.post("/accounts/security/remove/", {"device": f"totp:{device.pk}"})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_reauthenticating_before_a_post_returns_to_the_page_the_form_was_on(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    response = client.post("/accounts/security/backup-codes/", HTTP_REFERER="http://testserver/accounts/security/")
    assert response["Location"] == "/accounts/reauthenticate/?next=%2Faccounts%2Fsecurity%2F"
