from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from consular.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from consular.audit.models import AuditEntry
from tests.factories import PASSWORD

SIGN_IN = "/accounts/sign-in/"
VERIFY = "/accounts/sign-in/verify/"


def current_code(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():06d}"


def post_password(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password}, **extra)


def test_password_then_code_signs_in_with_a_new_session_key(client, nyc_clerk):
    client.get(SIGN_IN)
    anonymous_key = client.session.session_key
    response = post_password(client, "nyc_clerk")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.get("/").status_code == 302, "the password alone opens no page"
    password_key = client.session.session_key
    response = client.post(VERIFY, {"code": current_code(nyc_clerk), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert len({anonymous_key, password_key, client.session.session_key}) == 3
    assert AuditEntry.unscoped.filter(username="nyc_clerk", action="sign_in").count() == 1


def test_wrong_password_is_refused_with_a_clear_error(client, nyc_clerk):
    response = post_password(client, "nyc_clerk", "wrong-password", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert b"The username or password is not correct." in response.content
    assert "_auth_user_id" not in client.session


def test_known_and_unknown_usernames_get_identical_responses(client, nyc_clerk):
    known = post_password(Client(), "nyc_clerk", "wrong-password", HTTP_ACCEPT_LANGUAGE="en")
    unknown = post_password(Client(), "no_such_user", "wrong-password", HTTP_ACCEPT_LANGUAGE="en")
    assert known.status_code == unknown.status_code == 400

    def body(response) -> str:
        import re

        text = response.content.decode()
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
        text = re.sub(r'nonce="[^"]+"', "", text)
        return text.replace("nyc_clerk", "X").replace("no_such_user", "X")

    assert body(known) == body(unknown)


def test_wrong_code_is_refused_and_leaves_the_user_unverified(client, nyc_clerk):
    post_password(client, "nyc_clerk")
    response = client.post(VERIFY, {"code": "000000"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert b"That code is not correct." in response.content
    assert client.get("/").status_code == 302


def test_repeated_wrong_codes_are_throttled(client, nyc_clerk):
    post_password(client, "nyc_clerk")
    for _ in range(3):
        client.post(VERIFY, {"code": "000000"})
    response = client.post(VERIFY, {"code": current_code(nyc_clerk)}, HTTP_ACCEPT_LANGUAGE="en")
    assert b"Too many wrong codes" in response.content
    assert client.get("/").status_code == 302


def test_backup_code_works_once(client, nyc_clerk):
    device = StaticDevice.objects.create(user=nyc_clerk, name="Backup codes")
    device.token_set.create(token="12345678")
    post_password(client, "nyc_clerk")
    assert client.post(VERIFY, {"code": "1234 5678"}).status_code == 302
    assert client.get("/").status_code == 200
    second = Client()
    post_password(second, "nyc_clerk")
    assert second.post(VERIFY, {"code": "12345678"}).status_code == 400


@pytest.mark.parametrize("limit", [5])
def test_lock_out_after_repeated_failures_keyed_on_username_and_address(settings, nyc_clerk, nyc_officer, limit):
    settings.AXES_FAILURE_LIMIT = limit
    for _ in range(limit):
        post_password(Client(), "nyc_clerk", "wrong-password", REMOTE_ADDR="10.0.0.1")
    locked = post_password(Client(), "nyc_clerk", PASSWORD, REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 429
    assert b"Too many failed attempts" in locked.content
    # A colleague behind the same mission proxy address is not locked out...
    assert post_password(Client(), "nyc_officer", PASSWORD, REMOTE_ADDR="10.0.0.1").status_code == 302
    # ...and an unknown username is locked the same way as a known one.
    for _ in range(limit):
        post_password(Client(), "ghost", "wrong-password", REMOTE_ADDR="10.0.0.1")
    ghost = post_password(Client(), "ghost", "x", REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    assert ghost.status_code == 429


def test_first_sign_in_without_a_device_must_enrol_an_authenticator(client, nyc_clerk):
    TOTPDevice.objects.filter(user=nyc_clerk).delete()
    response = post_password(client, "nyc_clerk")
    assert response["Location"].startswith("/accounts/security/authenticator/")
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=nyc_clerk, confirmed=False)
    assert client.post(response["Location"], {"code": "000000"}).status_code == 400
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    done = client.post(response["Location"], {"code": f"{totp.token():06d}"})
    assert done.status_code == 200 and done.templates[0].name == "accounts/backup_codes.html"
    assert len(done.context["codes"]) == 10
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/").status_code == 200


def test_password_alone_cannot_enrol_a_second_authenticator(client, nyc_clerk):
    post_password(client, "nyc_clerk")
    response = client.get("/accounts/security/authenticator/")
    assert response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=nyc_clerk).count() == 1


def _age_session(client: Client, **ages: timedelta) -> None:
    session = client.session
    for key, age in ages.items():
        session[key] = (timezone.now() - age).isoformat()
    session.save()


def test_idle_session_expires_after_30_minutes(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    _age_session(client, **{LAST_SEEN_AT: timedelta(minutes=31)})
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert b"Your session has expired" in page.content


def test_session_ends_after_12_hours_even_when_active(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    _age_session(client, **{SIGNED_IN_AT: timedelta(hours=12, minutes=1), LAST_SEEN_AT: timedelta(minutes=1)})
    assert client.get("/")["Location"].startswith(SIGN_IN)


def test_activity_keeps_the_session_alive(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    _age_session(client, **{LAST_SEEN_AT: timedelta(minutes=29)})
    assert client.get("/").status_code == 200
    assert client.get("/").status_code == 200


def test_sign_out_ends_the_session(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    response = client.post("/accounts/sign-out/")
    assert response.status_code == 302 and response["Location"] == SIGN_IN
    assert client.get("/").status_code == 302
    assert AuditEntry.unscoped.filter(username="nyc_clerk", action="sign_out").exists()


def test_sign_out_needs_post(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    assert client.get("/accounts/sign-out/").status_code == 405
    assert client.get("/").status_code == 200


def test_next_parameter_cannot_redirect_off_site(client, nyc_clerk):
    post_password(client, "nyc_clerk")
    response = client.post(VERIFY, {"code": current_code(nyc_clerk), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_throttled_authenticator_does_not_block_a_valid_backup_code(client, nyc_clerk):
    device = StaticDevice.objects.create(user=nyc_clerk, name="Backup codes")
    device.token_set.create(token="87654321")
    post_password(client, "nyc_clerk")
    client.post(VERIFY, {"code": "000000"})
    assert client.post(VERIFY, {"code": "87654321"}).status_code == 302
    assert client.get("/").status_code == 200


def test_failed_sign_ins_are_in_the_audit_log(client, nyc_clerk):
    post_password(client, "nyc_clerk", "wrong-password")
    post_password(client, "nyc_clerk")
    client.post(VERIFY, {"code": "000000"})
    failures = AuditEntry.unscoped.filter(username="nyc_clerk", action="sign_in_failed")
    assert sorted(failures.values_list("object_repr", flat=True)) == ["wrong code", "wrong username or password"]
