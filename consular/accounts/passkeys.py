"""django-otp-webauthn's endpoints with this project's rules added.

Registering a passkey changes a second factor, so it needs a fresh re-authentication
like every other change and is audited; signing in with one gets a new session key
and an audit entry, exactly as signing in with a code does.
"""

import json

from django.utils.translation import gettext_lazy as _
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)
from rest_framework.exceptions import APIException

from consular.accounts.views import recently_reauthenticated
from consular.api.parsers import load_json
from consular.audit.actions import Action, record
from consular.offices.scoping import request_actor


class ReauthenticationRequired(OTPWebAuthnApiError):
    status_code = 403
    default_detail = _("Confirm your password and a code again before adding a passkey.")
    default_code = "reauthentication_required"


class BadBody(OTPWebAuthnApiError):
    status_code = 400
    default_code = "malformed_request"


class BoundedJSONBody:
    """The library parses bodies with a bare json.loads: 1,500 nested `[` were a RecursionError (a 500).

    These bodies are small browser messages; the API's limits (consular.api.parsers) apply to them too.
    """

    def _parse_request_data(self, request):
        if request.content_type.split(";", 1)[0] != "application/json":
            return super()._parse_request_data(request)
        if not request.body:
            return {}
        try:
            return load_json(request.body)
        except APIException as refused:
            error = BadBody(str(refused.detail), refused.get_codes() if isinstance(refused.get_codes(), str) else None)
            error.status_code = refused.status_code
            raise error from refused


class BeginPasskeySignIn(BoundedJSONBody, BeginCredentialAuthenticationView):
    pass


class BeginPasskeyRegistration(BoundedJSONBody, BeginCredentialRegistrationView):
    def check_can_register(self) -> None:
        super().check_can_register()
        if not recently_reauthenticated(self.request):
            raise ReauthenticationRequired()


class CompletePasskeyRegistration(BoundedJSONBody, CompleteCredentialRegistrationView):
    def check_can_register(self) -> None:
        super().check_can_register()
        if not recently_reauthenticated(self.request):
            raise ReauthenticationRequired()

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        device = WebAuthnCredential.objects.get(pk=json.loads(response.content)["id"], user=self.request.user)
        record(by=request_actor(self.request), username=self.request.user.get_username(),
               action=Action.SECOND_FACTOR, target=device, object_repr=f"passkey {device.pk}",
               changes={"device": [None, "passkey added"]}, request=self.request)
        return response


class CompletePasskeySignIn(BoundedJSONBody, CompleteCredentialAuthenticationView):
    def complete_auth(self, device) -> None:
        super().complete_auth(device)
        self.request.session.cycle_key()
        record(by=request_actor(self.request), username=device.user.get_username(), action=Action.SIGN_IN,
               object_repr="passkey", request=self.request)
