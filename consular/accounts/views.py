"""Sign-in with a password and a second factor, enrolment, backup codes, passkeys, re-authentication."""

import time
from base64 import b32encode
from datetime import datetime
from functools import wraps
from urllib.parse import urlencode, urlsplit

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from consular.accounts import actions
from consular.accounts.actions import BACKUP_CODE_LENGTH
from consular.accounts.forms import CodeForm, PasswordChangeForm, ReauthenticateForm, SignInForm
from consular.accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
from consular.audit.actions import Action, Phrase, record
from consular.offices.scoping import request_actor

# Why a sign-in failed, as the audit log stores it (in English; shown in the reader's language).
LOCKED_OUT = Phrase(gettext_noop("locked out"))
WRONG_PASSWORD = Phrase(gettext_noop("wrong username or password"))
WRONG_CODE = Phrase(gettext_noop("wrong code"))
REAUTHENTICATION_REFUSED = Phrase(gettext_noop("re-authentication refused"))
CODE_ALREADY_USED = Phrase(gettext_noop("code already used"))
REAUTHENTICATION_CODE_USED = Phrase(gettext_noop("re-authentication: code already used"))

REAUTHENTICATED_AT = "reauthenticated_at"
ENROLLING_DEVICE = "enrolling_totp_device_id"


def _next_url(request: HttpRequest, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _referring_path(request: HttpRequest) -> str:
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return urlsplit(referer).path
    return reverse("accounts:security")


def _with_next(view_name: str, next_url: str) -> str:
    return f"{reverse(view_name)}?{urlencode({'next': next_url})}"


def reauthentication_required(view):
    """Sensitive acts (decisions, exports, changing a second factor) need a fresh password and code."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if recently_reauthenticated(request):
            return view(request, *args, **kwargs)
        # After confirming, come back to the page the form was on (a POST cannot be replayed by a redirect).
        back = request.get_full_path() if request.method == "GET" else _referring_path(request)
        return reauthentication_redirect(back)

    return wrapper


def reauthentication_redirect(back: str) -> HttpResponseRedirect:
    """To the re-authentication page, then back to `back` (a path of this site, with no personal data in it)."""
    return HttpResponseRedirect(_with_next("accounts:reauthenticate", back))


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials=None, *args, **kwargs):
    """django-axes calls this once a username and address pair is locked."""
    if request.user.is_authenticated:
        # Locked while re-authenticating: whoever holds this session does not know the password.
        auth_logout(request)
    record(by=None, username=request.POST.get("username", "")[:150] or "(signed-in user)",
           action=Action.SIGN_IN_FAILED, object_repr=LOCKED_OUT(), request=request)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = SignInForm(request, initial={"username": request.POST.get("username", "")})
    form.full_clean()  # an unbound form: no validation runs, it only gets somewhere to hold the error
    form.cleaned_data = {}
    form.add_error(None, _("Too many failed attempts. Sign-in is locked for %(minutes)d minutes; "
                           "ask your administrator if you need access sooner.") % {"minutes": minutes})
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)}, status=429)


@sensitive_post_parameters("password")
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(_next_url(request))
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)  # a new session key: nothing from before sign-in carries over
        now = timezone.now().isoformat()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now
        next_url = _next_url(request)
        if not any(devices_for_user(user, confirmed=True)):
            return redirect(_with_next("accounts:enrol", next_url))
        return redirect(_with_next("accounts:verify", next_url))
    if request.method == "POST":
        record(by=None, username=request.POST.get("username", "")[:150], action=Action.SIGN_IN_FAILED,
               object_repr=WRONG_PASSWORD(), request=request)
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)},
                  status=400 if form.errors else 200)


def match_code(user, code: str):
    """The authenticator app for a 6-digit code, a backup code for an 8-digit one.

    Each kind is tried only for its own shape, so wrong app codes (which throttle the
    app) never throttle the backup codes a user falls back on, and the reverse.
    """
    kind = StaticDevice if len(code) == BACKUP_CODE_LENGTH else TOTPDevice
    for device in kind.objects.filter(user=user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None


def code_already_used(user, code: str) -> bool:
    """Is `code` right for one of the user's authenticator apps, but from a time step already accepted?

    django-otp accepts each TOTP step once (a replayed code is refused like a wrong one). Asked
    only after the code was refused, so a clerk who re-authenticates with the code they just
    signed in with is told to wait for the next one, not that it is wrong.
    """
    if len(code) == BACKUP_CODE_LENGTH or not code.isdigit():
        return False
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        # Valid in the window django-otp allows, but only at or before the last step it accepted.
        for offset in range(-device.tolerance, device.tolerance + 1):
            step = totp.t() + offset
            if step <= device.last_t and _token_at(totp, step) == int(code):
                return True
    return False


def _token_at(totp: TOTP, step: int) -> int:
    """The code of one time step (the `oath` module only computes the current one)."""
    return hotp(totp.key, step, totp.digits)


REUSED_CODE = gettext_lazy(
    "That code was just used. Wait for the next code from your authenticator app (a new one appears every "
    "30 seconds) and enter that."
)


def _throttled_message(user) -> str:
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            seconds = max(1, int((data["locked_until"] - timezone.now()).total_seconds()))
            return _("Too many wrong codes. Wait %(seconds)d seconds before trying again.") % {"seconds": seconds}
    return ""


@sensitive_post_parameters("code")
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    if not any(devices_for_user(user, confirmed=True)):
        return redirect(_with_next("accounts:enrol", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled_before = _throttled_message(user)
        device = match_code(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            record(by=request_actor(request), username=user.get_username(), action=Action.SIGN_IN, request=request)
            return redirect(next_url)
        reused = not throttled_before and code_already_used(user, form.cleaned_data["code"])
        record(by=None, username=user.get_username(), action=Action.SIGN_IN_FAILED,
               object_repr=CODE_ALREADY_USED() if reused else WRONG_CODE(), request=request)
        form.add_error("code", throttled_before or (REUSED_CODE if reused else _("That code is not correct.")))
    has_passkey = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    return render(request, "accounts/verify.html", {"form": form, "next": next_url, "has_passkey": has_passkey},
                  status=400 if form.errors else 200)


def recently_reauthenticated(request: HttpRequest) -> bool:
    """Did this session confirm password and code within REAUTHENTICATION_VALID_FOR?"""
    when = request.session.get(REAUTHENTICATED_AT)
    return bool(when) and timezone.now() - datetime.fromisoformat(when) <= settings.REAUTHENTICATION_VALID_FOR


@sensitive_post_parameters("code")
@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: at first sign-in, or later after re-authenticating."""
    user = request.user
    next_url = _next_url(request)
    if not user.is_verified() and any(devices_for_user(user, confirmed=True)):
        # Someone with only the password must not be able to add their own factor.
        return redirect(_with_next("accounts:verify", next_url))
    if user.is_verified() and not recently_reauthenticated(request):
        return redirect(_with_next("accounts:reauthenticate", request.get_full_path()))
    device = TOTPDevice.objects.filter(pk=request.session.get(ENROLLING_DEVICE), user=user, confirmed=False).first()
    if device is None or request.method == "GET":
        device = actions.start_totp_enrolment(user)
        request.session[ENROLLING_DEVICE] = device.pk
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            first_factor = not user.is_verified()
            actions.confirm_totp_device(device, by_user=user, actor=request_actor(request), request=request)
            del request.session[ENROLLING_DEVICE]
            if first_factor:
                otp_login(request, device)
                request.session.cycle_key()
            codes = actions.regenerate_backup_codes(user, by=request_actor(request), request=request)
            return render(request, "accounts/backup_codes.html", {"codes": codes, "next": next_url})
        form.add_error("code", _("That code is not correct. Check the clock on your phone and try the newest code."))
    qr_code = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "qr_code": qr_code, "secret": secret, "next": next_url},
        status=400 if form.errors else 200,
    )


@sensitive_post_parameters("password", "code")
@never_cache
def reauthenticate(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ReauthenticateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Through authenticate(), so wrong passwords count towards the lock-out here too.
        password_ok = authenticate(request, username=user.get_username(), password=form.cleaned_data["password"])
        device = match_code(user, form.cleaned_data["code"]) if password_ok else None
        if device is not None:
            request.session[REAUTHENTICATED_AT] = timezone.now().isoformat()
            return redirect(_next_url(request))
        # Only past a right password does the answer say more about the code than "not correct".
        reused = bool(password_ok) and code_already_used(user, form.cleaned_data["code"])
        record(by=request_actor(request), action=Action.SIGN_IN_FAILED,
               object_repr=REAUTHENTICATION_CODE_USED() if reused else REAUTHENTICATION_REFUSED(),
               request=request)
        if reused:
            form.add_error("code", REUSED_CODE)
        else:
            form.add_error(None, _("The password or code is not correct."))
    return render(request, "accounts/reauthenticate.html", {"form": form, "next": _next_url(request)},
                  status=400 if form.errors else 200)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
def change_password(request: HttpRequest) -> HttpResponse:
    """The current password, then a new one that passes Django's password validators."""
    form = PasswordChangeForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(form, by=request_actor(request), request=request)
        update_session_auth_hash(request, form.user)  # stay signed in here; other sessions end
        messages.success(request, _("Your password was changed."))
        return redirect("accounts:security")
    return render(request, "accounts/change_password.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "authenticators": TOTPDevice.objects.filter(user=user, confirmed=True),
        "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True),
        "backup_codes_left": sum(device.token_set.count() for device in StaticDevice.objects.filter(user=user)),
    }
    return render(request, "accounts/security.html", context)


@require_POST
@reauthentication_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    codes = actions.regenerate_backup_codes(request.user, by=request_actor(request), request=request)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("accounts:security")})


@require_POST
@reauthentication_required
def remove_device(request: HttpRequest) -> HttpResponse:
    user = request.user
    kind, _sep, pk = request.POST.get("device", "").partition(":")
    model = {"totp": TOTPDevice, "passkey": WebAuthnCredential}.get(kind)
    device = model.objects.filter(user=user, pk=pk, confirmed=True).first() if model and pk.isdigit() else None
    if device is None:
        messages.error(request, _("That sign-in method was not found."))
        return redirect("accounts:security")
    if actions.is_last_authenticator_app(device):
        messages.error(request, _("Keep at least one authenticator app: its codes confirm it is you before "
                                  "sensitive acts. Add another one first."))
        return redirect("accounts:security")
    actions.remove_device(device, by=request_actor(request), request=request)
    messages.success(request, _("The sign-in method was removed."))
    return redirect("accounts:security")


@never_cache
@reauthentication_required
def passkeys(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/passkeys.html",
        {"passkeys": WebAuthnCredential.objects.filter(user=request.user, confirmed=True)},
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(by=request_actor(request), username=request.user.get_username(), action=Action.SIGN_OUT,
               request=request)
    auth_logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:sign_in")
