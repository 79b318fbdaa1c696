from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    assert response.status_code == 200 and b"The password or code is not correct." in response.content
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
