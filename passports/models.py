"""Passport applications, their fees and checklist, central production and the passports issued."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from consular.documents.files import protected_storage
from consular.offices.scoping import OfficeScopedManager, ScopedQuerySet
from consular.payments.models import Payable
from consular.workflow.models import Case, CaseAccess

if TYPE_CHECKING:
    from consular.offices.scoping import Actor


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    UNDER_REVIEW = "under_review", _("Under review")
    APPROVED = "approved", _("Approved")
    IN_PRODUCTION = "in_production", _("In production")
    DISPATCHED = "dispatched", _("Dispatched")
    READY = "ready", _("Ready for collection")
    ISSUED = "issued", _("Issued")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CANCELLED = "cancelled", _("Cancelled")
    LAPSED = "lapsed", _("Lapsed (not collected)")


class PassportType(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    OFFICIAL = "official", _("Official")
    DIPLOMATIC = "diplomatic", _("Diplomatic")


# The MRZ document code (ICAO 9303 Part 4: "P" plus a letter the state chooses for the type).
DOCUMENT_CODES = {PassportType.ORDINARY: "P<", PassportType.OFFICIAL: "PO", PassportType.DIPLOMATIC: "PD"}


class Kind(models.TextChoices):
    NEW = "new", _("New passport")
    RENEWAL = "renewal", _("Renewal")
    REPLACEMENT = "replacement", _("Replacement (lost, stolen or damaged)")
    CHANGE = "change", _("Change of recorded details")


class ReplacementReason(models.TextChoices):
    LOST = "lost", _("Lost")
    STOLEN = "stolen", _("Stolen")
    DAMAGED = "damaged", _("Damaged")


class ApplicationQuerySet(ScopedQuerySet):
    def visible_to(self, actor: Actor | None) -> ApplicationQuerySet:
        """Exactly the applications whose case is visible (held now, or held before, by the office)."""
        if actor is None:
            return self.none()
        if actor.sees_all_offices:
            return self
        held_before = CaseAccess.objects.filter(case=OuterRef("case_id"), office=actor.office.pk)
        return self.filter(Q(case__current_office=actor.office.pk) | Exists(held_before))

    def held_by(self, office) -> ApplicationQuerySet:
        """Applications the office holds now: its queue, its collection desk and its home-page figures."""
        return self.filter(case__current_office=office)


class PassportApplication(Payable):
    """The passport side of a case: what was asked for, the photo, the checklist and the fee."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="passport_application",
                                verbose_name=_("case"))
    kind = models.CharField(_("kind of application"), max_length=16, choices=Kind.choices)
    passport_type = models.CharField(_("passport type"), max_length=16, choices=PassportType.choices,
                                     default=PassportType.ORDINARY)
    validity_years = models.PositiveSmallIntegerField(_("validity (years)"), choices=[(5, "5"), (10, "10")])
    replacement_reason = models.CharField(_("reason for replacement"), max_length=16, blank=True,
                                          choices=ReplacementReason.choices)
    previous_passport = models.ForeignKey(
        "identity.IdentityDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("previous passport"),
    )
    collecting_office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("collected at"))
    applied_on = models.DateField(_("applied on"))
    age_on_application = models.PositiveSmallIntegerField(_("age on the date of application"))
    photo = models.FileField(_("photo"), storage=protected_storage, upload_to="passport-photos/%Y/%m/",
                             blank=True)
    photo_content_type = models.CharField(max_length=16, blank=True)
    # The fee as set on the day of application: JPY from the schedule, then (Payable) the mission's currency.
    fee_jpy = models.PositiveIntegerField(_("fee (JPY)"))
    batch = models.ForeignKey("ProductionBatch", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="applications", verbose_name=_("production batch"))
    identity_checked_by = models.CharField(_("identity checked by"), max_length=150, blank=True)
    identity_checked_at = models.DateTimeField(_("identity checked at"), null=True, blank=True)
    identity_evidence = models.CharField(_("identity shown"), max_length=200, blank=True)
    # What changed when is the case's updated_at (every transition and passport action moves it).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OfficeScopedManager.from_queryset(ApplicationQuerySet)()
    unscoped = models.Manager.from_queryset(ApplicationQuerySet)()

    class Meta:
        verbose_name = _("passport application")
        verbose_name_plural = _("passport applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="replacement", replacement_reason__in=["lost", "stolen", "damaged"])
                | (~Q(kind="replacement") & Q(replacement_reason="")),
                name="passport_application_replacement_reason",
                violation_error_message=_("A replacement needs its reason; other kinds have none."),
            ),
            models.CheckConstraint(
                condition=Q(validity_years=5) | Q(validity_years=10),
                name="passport_application_validity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} ({self.get_kind_display()})"

    @cached_property
    def checklist(self) -> list[ChecklistItem]:
        return list(self.checklist_items.all())

    @cached_property
    def current_passport(self) -> Passport | None:
        """The booklet of the latest batch; earlier ones were voided with their cancelled batch."""
        return self.passports.select_related("document").order_by("-pk").first()


class ChecklistItem(models.Model):
    """One document the procedure asks for, and who verified it when."""

    class Code(models.TextChoices):
        APPLICATION_FORM = "application_form", _("Signed application form")
        FAMILY_REGISTER = "family_register", _("Family register extract (issued within 6 months)")
        PREVIOUS_PASSPORT = "previous_passport", _("Previous passport")
        LOSS_REPORT = "loss_report", _("Report of loss or theft (police report reference)")
        PROOF_OF_RESIDENCE = "proof_of_residence", _("Proof of residence in the mission's district")
        PHOTO = "photo", _("Photo checked against the applicant")
        OFFICIAL_DUTY = "official_duty", _("Letter of the ministry sending the holder abroad")

    application = models.ForeignKey(PassportApplication, on_delete=models.CASCADE, related_name="checklist_items")
    code = models.CharField(_("document"), max_length=32, choices=Code.choices)
    verified_by = models.CharField(_("verified by"), max_length=150, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # For documents with a freshness rule (the family register extract): the date printed on it.
    document_dated = models.DateField(_("document dated"), null=True, blank=True)
    upload = models.FileField(storage=protected_storage, upload_to="passport-documents/%Y/%m/", blank=True)
    upload_content_type = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["application", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "code"], name="checklist_item_once")]

    def __str__(self) -> str:
        return str(self.get_code_display())

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class Fee(models.Model):
    """One line of the fee schedule (JPY); the line in force is the newest with effective_from ≤ the day."""

    passport_type = models.CharField(_("passport type"), max_length=16, choices=PassportType.choices)
    validity_years = models.PositiveSmallIntegerField(_("validity (years)"))
    min_age = models.PositiveSmallIntegerField(_("from age"), default=0)
    max_age = models.PositiveSmallIntegerField(_("up to age"), null=True, blank=True,
                                               help_text=_("Inclusive; empty for no upper limit."))
    amount_jpy = models.PositiveIntegerField(_("amount (JPY)"))
    effective_from = models.DateField(_("effective from"))

    class Meta:
        ordering = ["passport_type", "validity_years", "min_age", "-effective_from"]
        verbose_name = _("fee")
        verbose_name_plural = _("fee schedule")
        constraints = [
            models.UniqueConstraint(fields=["passport_type", "validity_years", "min_age", "effective_from"],
                                    name="fee_line_once"),
        ]

    def __str__(self) -> str:
        upper = self.max_age if self.max_age is not None else "…"
        return f"{self.passport_type} {self.validity_years}y age {self.min_age}–{upper}: ¥{self.amount_jpy:,}"


class NumberSeries(models.Model):
    """A range of passport numbers HQ opens: two letters and seven digits, each number used once, ever."""

    prefix = models.CharField(_("prefix"), max_length=2, unique=True,
                              validators=[RegexValidator(r"^[A-Z]{2}$", _("Two letters A–Z."))])
    next_number = models.PositiveIntegerField(_("next number"), default=1)
    last_number = models.PositiveIntegerField(_("last number"), default=9_999_999)
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        ordering = ["opened_at", "pk"]
        verbose_name = _("passport number series")
        verbose_name_plural = _("passport number series")
        constraints = [
            models.CheckConstraint(condition=Q(last_number__lte=9_999_999) & Q(next_number__gte=1),
                                   name="number_series_seven_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.next_number:07d}–{self.prefix}{self.last_number:07d}"

    @property
    def remaining(self) -> int:
        return max(0, self.last_number - self.next_number + 1)


class BatchQuerySet(ScopedQuerySet):
    def visible_to(self, actor: Actor | None) -> BatchQuerySet:
        """Production is HQ's: missions follow their applications, not the printer's batches."""
        if actor is None or not actor.sees_all_offices:
            return self.none()
        return self


class ProductionBatch(models.Model):
    """Applications HQ sends to the printer together; its file is what the printer receives."""

    class State(models.TextChoices):
        CREATED = "created", _("Sent to the printer")
        PRINTED = "printed", _("Printed")
        DISPATCHED = "dispatched", _("Dispatched")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.CREATED)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150)
    size = models.PositiveIntegerField(_("passports"))
    export = models.FileField(storage=protected_storage, upload_to="production-batches/", blank=True)
    export_sha256 = models.CharField(_("SHA-256 of the export"), max_length=64, blank=True)
    printed_at = models.DateTimeField(_("printed"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OfficeScopedManager.from_queryset(BatchQuerySet)()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("production batch")
        verbose_name_plural = _("production batches")

    def __str__(self) -> str:
        return self.reference


class PassportQuerySet(ScopedQuerySet):
    def visible_to(self, actor: Actor | None) -> PassportQuerySet:
        if actor is None:
            return self.none()
        if actor.sees_all_offices:
            return self
        return self.filter(application__in=PassportApplication.unscoped.visible_to(actor).values("pk"))


class Passport(models.Model):
    """A passport booklet as produced: its data page, its MRZ, and the identity document it became."""

    number = models.CharField(_("passport number"), max_length=9, unique=True)
    # Several only when a batch was cancelled: its booklets are void and the application is produced again.
    application = models.ForeignKey(PassportApplication, on_delete=models.PROTECT, related_name="passports")
    batch = models.ForeignKey(ProductionBatch, on_delete=models.PROTECT, related_name="passports")
    document = models.OneToOneField("identity.IdentityDocument", on_delete=models.PROTECT, related_name="passport")
    passport_type = models.CharField(_("passport type"), max_length=16, choices=PassportType.choices)
    surname = models.CharField(_("surname"), max_length=120)
    given_names = models.CharField(_("given names"), max_length=120)
    issued_on = models.DateField(_("date of issue"))
    expires_on = models.DateField(_("date of expiry"))
    authority = models.CharField(_("authority"), max_length=120)
    mrz_line1 = models.CharField(max_length=44)
    mrz_line2 = models.CharField(max_length=44)

    objects = OfficeScopedManager.from_queryset(PassportQuerySet)()
    unscoped = models.Manager.from_queryset(PassportQuerySet)()

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("passport")
        verbose_name_plural = _("passports")

    def __str__(self) -> str:
        return self.number

    @property
    def mrz(self) -> str:
        return f"{self.mrz_line1}\n{self.mrz_line2}"


class PassportStatusChange(models.Model):
    """The status history of a passport as a document (pending → valid → cancelled …), append-only."""

    passport = models.ForeignKey(Passport, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    at = models.DateTimeField(auto_now_add=True)
    by = models.CharField(max_length=150)
    office_code = models.CharField(max_length=8)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["passport", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.passport_id}: {self.from_status or '—'} → {self.to_status}"


class LossReport(models.Model):
    """A passport reported lost or stolen at a mission: it is invalidated in the same transaction."""

    class Kind(models.TextChoices):
        LOST = "lost", _("Lost")
        STOLEN = "stolen", _("Stolen")

    # L-<year>-<office>-<number>: what the holder's acknowledgement and any later replacement quote.
    reference = models.CharField(_("reference"), max_length=32, blank=True)
    document = models.ForeignKey("identity.IdentityDocument", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("lost or stolen"), max_length=8, choices=Kind.choices)
    circumstances = models.TextField(_("circumstances"), max_length=2000)
    police_reference = models.CharField(_("police report reference"), max_length=64, blank=True)
    happened_on = models.DateField(_("lost or stolen on"), null=True, blank=True)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    reported_by = models.CharField(max_length=150)
    reported_at = models.DateTimeField(auto_now_add=True)

    office_scope = "office"
    objects = OfficeScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("loss or theft report")
        verbose_name_plural = _("loss and theft reports")
        # Blank only for reports made before references were given.
        constraints = [models.UniqueConstraint(fields=["reference"], condition=~Q(reference=""),
                                               name="loss_report_reference_once")]

    def __str__(self) -> str:
        # The number is personal data (and this string reaches the audit log): its end only.
        return f"{self.get_kind_display()} …{self.document.number[-4:]}"


class Invalidation(models.Model):
    """One passport number border and airline systems must refuse; the id orders the incremental feed."""

    class Reason(models.TextChoices):
        LOST = "lost", _("Lost")
        STOLEN = "stolen", _("Stolen")
        CANCELLED = "cancelled", _("Cancelled")
        REVOKED = "revoked", _("Revoked")
        LAPSED = "lapsed", _("Not collected in time")

    number = models.CharField(max_length=9)
    issuing_state = models.CharField(max_length=3)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    invalidated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["number"], name="invalidation_number")]

    def __str__(self) -> str:
        return f"{self.issuing_state} {self.number} ({self.reason})"


def age_on(birth: tuple[int | None, int | None, int | None], day: date) -> int | None:
    """Completed years on `day`; None when the year is unknown.

    A partial date counts from its latest possible day, so an unknown month never makes an
    applicant old enough for a ten-year passport a day early.
    """
    year, month, birth_day = birth
    if year is None:
        return None
    month, birth_day = month or 12, birth_day or 31
    return day.year - year - ((day.month, day.day) < (month, birth_day))
