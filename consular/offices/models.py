"""Offices (HQ, missions, prefectural passport offices), staff memberships and API clients."""

import hashlib
import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from consular import countries
from consular.offices.scoping import OfficeScopedManager, ScopedQuerySet


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def validate_alpha3(value: str) -> None:
    """A country, nationality or issuing authority: ISO 3166-1 alpha-3 or a code ICAO Doc 9303 adds (XXA …)."""
    if len(value) != 3 or not value.isascii() or not value.isupper() or not value.isalpha():
        raise ValidationError(_("Use a three-letter ISO 3166-1 alpha-3 code, e.g. USA."))
    if not countries.is_record_code(value):
        raise ValidationError(
            _("%(value)s is not a country code: neither ISO 3166-1 nor ICAO Doc 9303 has it."),
            params={"value": value},
            code="unknown_country",
        )


class Role(models.TextChoices):
    CLERK = "clerk", _("Clerk")
    OFFICER = "officer", _("Consular officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    HQ_OFFICER = "hq_officer", _("HQ officer")
    ADMINISTRATOR = "administrator", _("Administrator")
    AUDITOR = "auditor", _("Auditor")


# The roles that work on cases: they take them, are assigned them and fire their steps.
# Administrators run the system and auditors read; neither carries a caseload.
CASEWORK_ROLES = frozenset({Role.CLERK, Role.OFFICER, Role.SUPERVISOR, Role.HQ_OFFICER})


class Office(models.Model):
    class Kind(models.TextChoices):
        HQ = "hq", _("Ministry headquarters")
        MISSION = "mission", _("Mission (embassy or consulate)")
        PREFECTURE = "prefecture", _("Prefectural passport office")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(
        _("code"), max_length=8, unique=True, help_text=_("Short code used in case references, e.g. NYC.")
    )
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    country = models.CharField(_("country"), max_length=3, validators=[validate_alpha3])
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217 code, e.g. USD."))
    district = models.JSONField(
        _("consular district"),
        default=list,
        blank=True,
        help_text=_("Countries (ISO 3166-1 alpha-3) or regions this office serves."),
    )
    # The block printed on every paper handed to an applicant (receipts, acknowledgements).
    address_ja = models.TextField(_("postal address (Japanese)"), blank=True)
    address_en = models.TextField(_("postal address (English)"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, help_text=_("As printed, e.g. +1 212 371 8222."))

    office_scope = "pk"
    objects = OfficeScopedManager()
    # The directory of offices is public reference data (names, codes, zones), so
    # choice lists that must name other offices read it explicitly from here.
    directory = models.Manager()

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["hq", "mission", "prefecture"]), name="office_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return self.name_ja if (get_language() or "").startswith("ja") else self.name_en

    @property
    def address(self) -> str:
        """The postal address in the active language, or the other one when only that is recorded."""
        if (get_language() or "").startswith("ja"):
            return self.address_ja or self.address_en
        return self.address_en or self.address_ja

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local_now(self):
        return timezone.now().astimezone(self.zone)

    def local_today(self) -> date:
        return self.local_now().date()


class MembershipQuerySet(ScopedQuerySet):
    def current(self, on: date | None = None) -> "MembershipQuerySet":
        """Memberships in force on a day (today by default): staff rotate between offices."""
        on = on or timezone.localdate()
        return self.filter(Q(starts_on__lte=on), Q(ends_on__isnull=True) | Q(ends_on__gte=on))

    def caseworkers(self) -> "MembershipQuerySet":
        """Current memberships of people who work on cases, of active accounts: who may be assigned one."""
        return self.current().filter(role__in=CASEWORK_ROLES, user__is_active=True)


class Membership(models.Model):
    """A user's role at an office for a period."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("user")
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("office"))
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    office_scope = "office"
    objects = OfficeScopedManager.from_queryset(MembershipQuerySet)()
    unscoped = models.Manager.from_queryset(MembershipQuerySet)()

    class Meta:
        ordering = ["office__kind", "office__code", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.get_username()} · {self.get_role_display()} · {self.office.code}"

    def clean(self) -> None:
        if self.role == Role.HQ_OFFICER and self.office_id and self.office.kind != Office.Kind.HQ:
            raise ValidationError({"role": _("HQ officers belong to the ministry headquarters.")})


class Holiday(models.Model):
    """A day an office is closed; SLA business days skip it."""

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="holidays", verbose_name=_("office"))
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(default=1, editable=False)

    office_scope = "office"
    objects = OfficeScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        constraints = [models.UniqueConstraint(fields=["office", "date"], name="holiday_once_per_day")]

    def __str__(self) -> str:
        return f"{self.office.code} {self.date.isoformat()} {self.name}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    """Another system (e.g. a prefectural office's) acting for one office over the API.

    Only a SHA-256 of the token is stored: tokens are 256 random bits, so a slow
    password hash would add nothing but latency to every request.
    """

    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("office"))
    name = models.CharField(_("name"), max_length=200)
    token_prefix = models.CharField(max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    office_scope = "office"
    objects = OfficeScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["office__code", "name"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="api_client_name_unique_per_office")]

    def __str__(self) -> str:
        return f"{self.office.code} · {self.name}"

    # DRF and the audit log treat the client like a signed-in principal.
    is_authenticated = True

    def get_username(self) -> str:
        return f"api:{self.office.code}:{self.name}"


class ReferenceCounter(models.Model):
    """The last number used in a numbering series (case references, receipts, batches), e.g. E-2026-NYC."""

    series = models.CharField(max_length=32, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.series}: {self.last}"
