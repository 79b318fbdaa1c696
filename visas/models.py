"""Visa categories, fees and exemptions as data; applications, their checklist, and the visas issued.

Categories, fees, exemptions and referral rules are reference data HQ keeps (the first edition
comes with migration 0002): what a category needs and allows is read from its row, never from
code, so a new category or a changed fee is a data change with an effective date.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from consular.documents.files import protected_storage
from consular.offices.models import validate_alpha3
from consular.offices.scoping import OfficeScopedManager, ScopedQuerySet
from consular.payments.models import Payable
from consular.workflow.models import Case, CaseAccess

if TYPE_CHECKING:
    from consular.offices.scoping import Actor


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("Being screened")
    UNDER_REVIEW = "under_review", _("Under review")
    REFERRED = "referred", _("Referred to HQ")
    INSTRUCTED = "instructed", _("HQ has instructed")
    APPROVED = "approved", _("Approved")
    ISSUED = "issued", _("Issued")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOKED = "revoked", _("Revoked")
    CANCELLED = "cancelled", _("Cancelled")


class Entries(models.TextChoices):
    SINGLE = "single", _("Single entry")
    DOUBLE = "double", _("Double entry")
    MULTIPLE = "multiple", _("Multiple entries")


class Group(models.TextChoices):
    SHORT_STAY = "short_stay", _("Short-term stay")
    TRANSIT = "transit", _("Transit")
    WORKING = "working", _("Working")
    STUDY = "study", _("Study")
    FAMILY = "family", _("Family")
    OFFICIAL = "official", _("Diplomatic and official")


class ChecklistCode(models.TextChoices):
    APPLICATION_FORM = "application_form", _("Signed visa application form")
    PASSPORT = "passport", _("Passport, valid for the stay, with a blank page")
    PHOTO = "photo", _("Photo checked against the applicant")
    ITINERARY = "itinerary", _("Itinerary (flights and accommodation)")
    FINANCIAL_MEANS = "financial_means", _("Proof of means to pay for the stay")
    INVITATION = "invitation", _("Letter of invitation from the host in Japan")
    GUARANTEE = "guarantee", _("Letter of guarantee")
    EMPLOYMENT = "employment", _("Certificate of employment")
    COE = "coe", _("Certificate of Eligibility (original or electronic)")
    ONWARD_TICKET = "onward_ticket", _("Ticket and visa for the country after Japan")
    ENROLMENT = "enrolment", _("Admission or enrolment certificate")
    RELATIONSHIP = "relationship", _("Proof of the relationship (marriage or birth certificate)")
    NOTE_VERBALE = "note_verbale", _("Note verbale from the sending government")


class VisaCategory(models.Model):
    """A kind of visa: what it needs, allows and whether HQ decides it. Names in both languages, as data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200)
    entries_allowed = models.JSONField(_("entries allowed"), default=list,
                                       help_text=_('Some of "single", "double", "multiple".'))
    max_validity_days = models.PositiveIntegerField(_("longest validity (days)"))
    max_stay_days = models.PositiveIntegerField(_("longest period of stay (days)"))
    coe_required = models.BooleanField(_("Certificate of Eligibility required"), default=False)
    needs_hq = models.BooleanField(_("decided with HQ"), default=False)
    gratis = models.BooleanField(_("issued free of charge"), default=False)
    checklist = models.JSONField(_("documents asked for"), default=list)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("visa category")
        verbose_name_plural = _("visa categories")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_ja if (get_language() or "").startswith("ja") else self.name_en

    @property
    def is_short_stay(self) -> bool:
        return self.group == Group.SHORT_STAY


class InForceQuerySet(models.QuerySet):
    """Rows with effective dates: those in force on a day."""

    def in_force(self, day: date) -> InForceQuerySet:
        return self.filter(Q(effective_from__lte=day), Q(effective_until__isnull=True) | Q(effective_until__gte=day))


class Fee(models.Model):
    """One line of the fee schedule in yen, by entries; a line for a nationality replaces the general one."""

    class Kind(models.TextChoices):
        SINGLE = "single", _("Single entry")
        MULTIPLE = "multiple", _("Double or multiple entries")
        TRANSIT = "transit", _("Transit")

    kind = models.CharField(_("fee for"), max_length=16, choices=Kind.choices)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True, validators=[validate_alpha3],
                                   help_text=_("Empty for everyone; a nationality's line is its reciprocal rate."))
    amount_jpy = models.PositiveIntegerField(_("amount (JPY)"))
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = InForceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "nationality", "-effective_from"]
        verbose_name = _("visa fee")
        verbose_name_plural = _("visa fee schedule")
        constraints = [
            models.UniqueConstraint(fields=["kind", "nationality", "effective_from"], name="visa_fee_line_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.nationality or '*'}: ¥{self.amount_jpy:,} from {self.effective_from}"


class VisaExemption(models.Model):
    """Nationals who need no visa for a short stay up to so many days, from a date (and until one)."""

    nationality = models.CharField(_("nationality"), max_length=3, validators=[validate_alpha3])
    max_stay_days = models.PositiveIntegerField(_("longest stay without a visa (days)"))
    ordinary_passport_only = models.BooleanField(_("ordinary passports only"), default=False)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = InForceQuerySet.as_manager()

    class Meta:
        ordering = ["nationality", "-effective_from"]
        verbose_name = _("visa exemption")
        verbose_name_plural = _("visa exemptions")
        constraints = [
            models.UniqueConstraint(fields=["nationality", "effective_from"], name="visa_exemption_once"),
        ]

    def __str__(self) -> str:
        return f"{self.nationality} ≤{self.max_stay_days}d from {self.effective_from}"


class ReferralRule(models.Model):
    """When the decision needs HQ: a category, a nationality, a confirmed screening hit, or all three."""

    category = models.ForeignKey(VisaCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("category"), help_text=_("Empty for every category."))
    nationality = models.CharField(_("nationality"), max_length=3, blank=True, validators=[validate_alpha3],
                                   help_text=_("Empty for every nationality."))
    on_confirmed_hit = models.BooleanField(_("only with a confirmed screening hit"), default=False)
    reason_en = models.CharField(_("reason (English)"), max_length=200)
    reason_ja = models.CharField(_("reason (Japanese)"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("referral rule")
        verbose_name_plural = _("referral rules")

    def __str__(self) -> str:
        return self.reason

    @property
    def reason(self) -> str:
        return self.reason_ja if (get_language() or "").startswith("ja") else self.reason_en


class ApplicationQuerySet(ScopedQuerySet):
    def visible_to(self, actor: Actor | None) -> ApplicationQuerySet:
        """The applications whose case the office holds or held; an agency sees only those it submitted."""
        if actor is None:
            return self.none()
        if actor.api_client is not None:
            return self.filter(submitted_by_client=actor.api_client, case__originating_office=actor.office.pk)
        if actor.sees_all_offices:
            return self
        held_before = CaseAccess.objects.filter(case=OuterRef("case_id"), office=actor.office.pk)
        return self.filter(Q(case__current_office=actor.office.pk) | Exists(held_before))


class Instruction(models.TextChoices):
    ISSUE = "issue", _("Issue the visa")
    REFUSE = "refuse", _("Refuse the visa")
    MORE_INFORMATION = "more_information", _("Ask the applicant for more information")


class RefusalReason(models.TextChoices):
    """Kept internally: the refusal letter does not state it (the ministry's practice)."""

    DOCUMENTS = "documents", _("Documents insufficient or not credible")
    PURPOSE = "purpose", _("Purpose of the visit not established")
    MEANS = "means", _("Insufficient means for the stay")
    RETURN = "return", _("Return not assured")
    SCREENING = "screening", _("Screening: confirmed watchlist match")
    IMMIGRATION = "immigration", _("Immigration history (overstay, deportation)")
    OTHER = "other", _("Other (see the note)")


class VisaApplication(Payable):
    """The visa side of a case: what is asked for, the passport, the host in Japan, the checklist and the fee."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="visa_application",
                                verbose_name=_("case"))
    category = models.ForeignKey(VisaCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    passport = models.ForeignKey("identity.IdentityDocument", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("passport"))
    purpose = models.CharField(_("purpose of the visit"), max_length=500)
    entries = models.CharField(_("entries"), max_length=8, choices=Entries.choices)
    arrival_on = models.DateField(_("intended arrival"))
    stay_days = models.PositiveIntegerField(_("length of stay (days)"))
    coe_number = models.CharField(_("Certificate of Eligibility number"), max_length=32, blank=True)
    host_name = models.CharField(_("inviter or guarantor in Japan"), max_length=200, blank=True)
    host_address = models.CharField(_("their address"), max_length=300, blank=True)
    host_relationship = models.CharField(_("relationship to the applicant"), max_length=100, blank=True)
    host_phone = models.CharField(_("their phone"), max_length=32, blank=True)
    itinerary = models.TextField(_("itinerary"), blank=True)
    # Members of a family or group apply together and are each decided on their own.
    group_reference = models.CharField(_("family or group"), max_length=32, blank=True, db_index=True)
    photo = models.FileField(_("photo"), storage=protected_storage, upload_to="visa-photos/%Y/%m/", blank=True)
    photo_content_type = models.CharField(max_length=16, blank=True)
    applied_on = models.DateField(_("applied on"))
    fee_jpy = models.PositiveIntegerField(_("fee (JPY)"))
    submitted_by_client = models.ForeignKey("offices.ApiClient", on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="+", verbose_name=_("accredited agency"))
    # Referral and HQ's answer.
    referral_reasons = models.JSONField(_("why HQ decides"), default=list, blank=True)
    recommendation = models.CharField(_("officer's recommendation"), max_length=16, blank=True,
                                      choices=Instruction.choices)
    instruction = models.CharField(_("HQ's instruction"), max_length=16, blank=True, choices=Instruction.choices)
    instructed_by = models.CharField(_("instructed by"), max_length=150, blank=True)
    refusal_reason = models.CharField(_("reason for refusal (internal)"), max_length=16, blank=True,
                                      choices=RefusalReason.choices)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OfficeScopedManager.from_queryset(ApplicationQuerySet)()
    unscoped = models.Manager.from_queryset(ApplicationQuerySet)()

    class Meta:
        verbose_name = _("visa application")
        verbose_name_plural = _("visa applications")

    def __str__(self) -> str:
        return f"{self.case.reference} ({self.category.code})"

    @cached_property
    def checklist(self) -> list[ChecklistItem]:
        return list(self.checklist_items.all())

    @property
    def leaves_on(self) -> date:
        from datetime import timedelta

        return self.arrival_on + timedelta(days=self.stay_days)


class ChecklistItem(models.Model):
    """One document the category asks for, and who verified it when."""

    application = models.ForeignKey(VisaApplication, on_delete=models.CASCADE, related_name="checklist_items")
    code = models.CharField(_("document"), max_length=32, choices=ChecklistCode.choices)
    verified_by = models.CharField(_("verified by"), max_length=150, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        ordering = ["application", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "code"], name="visa_checklist_item_once")]

    def __str__(self) -> str:
        return str(self.get_code_display())

    @property
    def verified(self) -> bool:
        return self.verified_at is not None


class VisaQuerySet(ScopedQuerySet):
    def visible_to(self, actor: Actor | None) -> VisaQuerySet:
        return self.filter(application__in=VisaApplication.objects.visible_to(actor).values("pk"))


class Visa(models.Model):
    """An issued visa: a sticker in the passport or an e-visa with a visible digital seal."""

    class Form(models.TextChoices):
        STICKER = "sticker", _("Visa sticker (MRV-A)")
        EVISA = "evisa", _("e-visa (grant notice with a digital seal)")

    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        CANCELLED = "cancelled", _("Cancelled")

    application = models.OneToOneField(VisaApplication, on_delete=models.PROTECT, related_name="visa",
                                       verbose_name=_("application"))
    number = models.CharField(_("visa number"), max_length=9, unique=True)
    form = models.CharField(_("form"), max_length=8, choices=Form.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    entries = models.CharField(_("entries"), max_length=8, choices=Entries.choices)
    stay_days = models.PositiveIntegerField(_("period of stay (days)"))
    mrz_line1 = models.CharField(max_length=44)
    mrz_line2 = models.CharField(max_length=44)
    seal = models.BinaryField(_("digital seal"), blank=True, default=b"")
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.CharField(_("issued by"), max_length=150)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.VALID)
    ended_at = models.DateTimeField(_("revoked or cancelled at"), null=True, blank=True)

    objects = OfficeScopedManager.from_queryset(VisaQuerySet)()
    unscoped = models.Manager.from_queryset(VisaQuerySet)()

    class Meta:
        verbose_name = _("visa")
        verbose_name_plural = _("visas")

    def __str__(self) -> str:
        return self.number
