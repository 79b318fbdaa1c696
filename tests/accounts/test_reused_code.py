"""A code already accepted once is refused (django-otp), and the clerk is told to wait for the next one."""

from django.test import Client

from consular.audit.models import AuditEntry
from tests.accounts.test_sign_in import SIGN_IN, VERIFY, current_code, post_password
from tests.factories import PASSWORD

REAUTHENTICATE = "/accounts/reauthenticate/"
WAIT = b"That code was just used. Wait for the next code from your authenticator app"


def signed_in_with_the_current_code(user) -> tuple[Client, str]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    post_password(client, user.get_username())
    code = current_code(user)
    assert client.post(VERIFY, {"code": code, "next": "/"}).status_code == 302
    return client, code


def test_reauthenticating_with_the_code_just_used_says_to_wait_for_the_next(nyc_clerk):
    client, code = signed_in_with_the_current_code(nyc_clerk)
    response = client.post(REAUTHENTICATE, {"password": PASSWORD, "code": code})
    assert response.status_code == 400
    assert WAIT in response.content
    assert b"The password or code is not correct." not in response.content
    assert AuditEntry.unscoped.filter(object_repr="re-authentication: code already used").exists()


def test_a_wrong_password_with_the_used_code_says_only_that_something_is_wrong(nyc_clerk):
    client, code = signed_in_with_the_current_code(nyc_clerk)
    response = client.post(REAUTHENTICATE, {"password": "not-the-password", "code": code})
    assert response.status_code == 400
    assert b"The password or code is not correct." in response.content
    assert WAIT not in response.content  # nothing about the code to whoever does not know the password


def test_a_wrong_code_is_still_just_not_correct(nyc_clerk):
    client, code = signed_in_with_the_current_code(nyc_clerk)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(REAUTHENTICATE, {"password": PASSWORD, "code": wrong})
    assert b"The password or code is not correct." in response.content and WAIT not in response.content


def test_signing_in_again_with_the_code_just_used_says_to_wait_for_the_next(nyc_clerk):
    _first, code = signed_in_with_the_current_code(nyc_clerk)
    second = Client(HTTP_ACCEPT_LANGUAGE="en")
    post_password(second, "nyc_clerk")
    response = second.post(VERIFY, {"code": code, "next": "/"})
    assert response.status_code == 400
    assert WAIT in response.content
    assert second.get("/").status_code == 302  # still not signed in
    assert SIGN_IN in second.get("/")["Location"] or VERIFY in second.get("/")["Location"]
