"""Persons and their identity documents: one Person per human, shared by every domain.

Personal data: `__str__` shows the name and nothing more, because it is what the audit
log and the admin copy into their own records.
"""

import calendar
import re
import unicodedata
from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consular import text
from consular.offices.models import Office, validate_alpha3
from consular.offices.scoping import Actor, OfficeScopedManager, ScopedQuerySet

# ICAO 9303 part 3: the visual zone prints names in Latin capitals; we also keep the
# space, hyphen and apostrophe that passports print (the MRZ later turns them into fillers).
LATIN_NAME = re.compile(r"[A-Z](?:[A-Z '\-]*[A-Z])?")
# Hiragana, katakana (with ー and ・), the phonetic extensions, and spaces between names.
KANA = re.compile(r"[\u3041-\u309F\u30A0-\u30FF\u31F0-\u31FF \u3000]*")
DOCUMENT_NUMBER = r"\A[A-Z0-9]+\Z"


def normalised_latin_name(value: str) -> str:
    """A Latin name as the record keeps it: capitals (ICAO 9303), single spaces, NFKC.

    NFKC makes the full-width letters a Japanese keyboard types (U+FF39 …) plain A to Z. Tabs and other
    controls stay, for the validator to refuse by name.
    """
    return " ".join(part for part in unicodedata.normalize("NFKC", value or "").split(" ") if part).upper()


def validate_latin_name(value: str) -> None:
    text.validate_single_line(value)
    if value and not LATIN_NAME.fullmatch(value):
        # Name the character: a Cyrillic А looks like A, and "use A–Z" alone does not say what is wrong.
        raise ValidationError(
            text.latin_name_problem(value)
            or _("Use the name as the passport prints it: capital letters A–Z, spaces, hyphens and apostrophes."),
            code="latin_name",
        )


def validate_kana(value: str) -> None:
    text.validate_single_line(value)
    if not KANA.fullmatch(value):
        raise ValidationError(_("Write the reading in kana."), code="kana")


def validate_nationalities(value: object) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Give at least one nationality."), code="nationalities")
    for code in value:
        if not isinstance(code, str):
            raise ValidationError(_("Use three-letter ISO 3166-1 alpha-3 codes, e.g. JPN."), code="nationalities")
        validate_alpha3(code)
    if len(set(value)) != len(value):
        raise ValidationError(_("Give each nationality once."), code="nationalities")


def validate_phone(value: str) -> None:
    """A valid number, stored in E.164 (`+12125550100`), as `phonenumbers` formats it."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) != value
    ):
        raise ValidationError(
            _("Enter a valid phone number in international format, e.g. +1 212 555 0100."), code="phone"
        )


class Sex(models.TextChoices):
    # ICAO 9303: F, M, or X where the sex is unspecified.
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    UNSPECIFIED = "X", _("Unspecified")


class Prefecture(models.TextChoices):
    """The 47 prefectures by their JIS X 0401 codes; the labels carry both languages, like the map does."""

    HOKKAIDO = "01", "北海道 (Hokkaido)"
    AOMORI = "02", "青森県 (Aomori)"
    IWATE = "03", "岩手県 (Iwate)"
    MIYAGI = "04", "宮城県 (Miyagi)"
    AKITA = "05", "秋田県 (Akita)"
    YAMAGATA = "06", "山形県 (Yamagata)"
    FUKUSHIMA = "07", "福島県 (Fukushima)"
    IBARAKI = "08", "茨城県 (Ibaraki)"
    TOCHIGI = "09", "栃木県 (Tochigi)"
    GUNMA = "10", "群馬県 (Gunma)"
    SAITAMA = "11", "埼玉県 (Saitama)"
    CHIBA = "12", "千葉県 (Chiba)"
    TOKYO = "13", "東京都 (Tokyo)"
    KANAGAWA = "14", "神奈川県 (Kanagawa)"
    NIIGATA = "15", "新潟県 (Niigata)"
    TOYAMA = "16", "富山県 (Toyama)"
    ISHIKAWA = "17", "石川県 (Ishikawa)"
    FUKUI = "18", "福井県 (Fukui)"
    YAMANASHI = "19", "山梨県 (Yamanashi)"
    NAGANO = "20", "長野県 (Nagano)"
    GIFU = "21", "岐阜県 (Gifu)"
    SHIZUOKA = "22", "静岡県 (Shizuoka)"
    AICHI = "23", "愛知県 (Aichi)"
    MIE = "24", "三重県 (Mie)"
    SHIGA = "25", "滋賀県 (Shiga)"
    KYOTO = "26", "京都府 (Kyoto)"
    OSAKA = "27", "大阪府 (Osaka)"
    HYOGO = "28", "兵庫県 (Hyogo)"
    NARA = "29", "奈良県 (Nara)"
    WAKAYAMA = "30", "和歌山県 (Wakayama)"
    TOTTORI = "31", "鳥取県 (Tottori)"
    SHIMANE = "32", "島根県 (Shimane)"
    OKAYAMA = "33", "岡山県 (Okayama)"
    HIROSHIMA = "34", "広島県 (Hiroshima)"
    YAMAGUCHI = "35", "山口県 (Yamaguchi)"
    TOKUSHIMA = "36", "徳島県 (Tokushima)"
    KAGAWA = "37", "香川県 (Kagawa)"
    EHIME = "38", "愛媛県 (Ehime)"
    KOCHI = "39", "高知県 (Kochi)"
    FUKUOKA = "40", "福岡県 (Fukuoka)"
    SAGA = "41", "佐賀県 (Saga)"
    NAGASAKI = "42", "長崎県 (Nagasaki)"
    KUMAMOTO = "43", "熊本県 (Kumamoto)"
    OITA = "44", "大分県 (Oita)"
    MIYAZAKI = "45", "宮崎県 (Miyazaki)"
    KAGOSHIMA = "46", "鹿児島県 (Kagoshima)"
    OKINAWA = "47", "沖縄県 (Okinawa)"


def persons_visible(actor: Actor, *, via: str = "") -> Q:
    """The persons an office that does not see all offices may read; `via` is the path to Person.

    One rule for persons and everything read through them (documents), so widening it
    here widens it everywhere: the offices listed in the person's `PersonAccess` rows.
    """
    return Q(**{f"{via}access__office": actor.office.pk})


class PersonQuerySet(ScopedQuerySet):
    def visible_to(self, actor: Actor | None) -> "PersonQuerySet":
        """HQ and auditors read everyone; an office, the persons it created or has a case for."""
        if actor is None:
            return self.none()
        if actor.sees_all_offices:
            return self
        # One access row per (person, office), so the join cannot repeat a person.
        return self.filter(persons_visible(actor))

    def current(self) -> "PersonQuerySet":
        """Persons not merged into another record."""
        return self.filter(merged_into__isnull=True)


class Person(models.Model):
    """One human, as every domain knows them. Changed only through `consular.identity.actions`."""

    family_name = models.CharField(
        _("family name"),
        max_length=100,
        validators=[validate_latin_name],
        help_text=_("As the passport prints it (ICAO 9303 transliteration)."),
    )
    given_names = models.CharField(
        _("given names"),
        max_length=100,
        blank=True,
        validators=[validate_latin_name],
        help_text=_("As the passport prints them; empty for a person with no given name."),
    )
    family_name_native = models.CharField(
        _("family name (native script)"), max_length=100, blank=True, validators=[text.validate_single_line]
    )
    given_names_native = models.CharField(
        _("given names (native script)"), max_length=100, blank=True, validators=[text.validate_single_line]
    )
    family_name_reading = models.CharField(
        _("family name (kana reading)"), max_length=100, blank=True, validators=[validate_kana]
    )
    given_names_reading = models.CharField(
        _("given names (kana reading)"), max_length=100, blank=True, validators=[validate_kana]
    )
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    # Foreign documents often give only the year or year and month of birth, so the
    # date is kept in parts rather than inventing a day.
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"), validators=[MinValueValidator(1850), MaxValueValidator(2200)]
    )
    birth_month = models.PositiveSmallIntegerField(
        _("month of birth"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    birth_day = models.PositiveSmallIntegerField(
        _("day of birth"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    place_of_birth = models.CharField(
        _("place of birth"), max_length=200, blank=True, validators=[text.validate_single_line]
    )
    nationalities = models.JSONField(
        _("nationalities"),
        default=list,
        validators=[validate_nationalities],
        help_text=_("ISO 3166-1 alpha-3 codes, e.g. JPN."),
    )
    address_abroad = models.TextField(_("address abroad"), blank=True, validators=[text.validate_multiline])
    address_home = models.TextField(_("address at home"), blank=True, validators=[text.validate_multiline])
    # EmailValidator lets a domain hold any character from U+00A1 on, U+202E included.
    email = models.EmailField(_("email"), blank=True, validators=[text.validate_single_line])
    phone = models.CharField(
        _("phone"),
        max_length=16,
        blank=True,
        validators=[validate_phone],
        help_text=_("International format, e.g. +1 212 555 0100."),
    )
    honseki_prefecture = models.CharField(
        _("registered domicile (honseki) prefecture"),
        max_length=2,
        choices=Prefecture.choices,
        blank=True,
        help_text=_("Japanese nationals only."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="persons_created", verbose_name=_("created by office")
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_persons",
        verbose_name=_("merged into"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OfficeScopedManager.from_queryset(PersonQuerySet)()
    unscoped = models.Manager.from_queryset(PersonQuerySet)()

    class Meta:
        ordering = ["family_name", "given_names", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["family_name", "given_names"], name="person_latin_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_month__gte=1, birth_month__lte=12),
                name="person_birth_month_valid",
                violation_error_message=_("The month of birth must be between 1 and 12."),
            ),
            models.CheckConstraint(
                condition=Q(birth_day__isnull=True) | Q(birth_day__gte=1, birth_day__lte=31),
                name="person_birth_day_valid",
                violation_error_message=_("The day of birth must be between 1 and 31."),
            ),
            models.CheckConstraint(
                condition=Q(birth_day__isnull=True) | Q(birth_month__isnull=False),
                name="person_birth_day_needs_month",
                violation_error_message=_("A day of birth needs a month of birth."),
            ),
            models.CheckConstraint(condition=Q(sex__in=["F", "M", "X"]), name="person_sex_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_names}".strip()

    @property
    def date_of_birth_display(self) -> str:
        """ISO 8601 with as much precision as is known: 1984, 1984-07 or 1984-07-03."""
        parts = [f"{self.birth_year:04d}"]
        if self.birth_month is not None:
            parts.append(f"{self.birth_month:02d}")
            if self.birth_day is not None:
                parts.append(f"{self.birth_day:02d}")
        return "-".join(parts)

    @property
    def date_of_birth(self) -> date | None:
        """The full date of birth, or None when only part of it is known."""
        if self.birth_month is None or self.birth_day is None:
            return None
        return date(self.birth_year, self.birth_month, self.birth_day)

    def clean(self) -> None:
        errors = self._date_of_birth_errors()
        # The honseki is a place in the Japanese family register, which only Japanese nationals have.
        if self.honseki_prefecture and "JPN" not in (self.nationalities or []):
            errors["honseki_prefecture"] = _("Only Japanese nationals have a registered domicile (honseki).")
        if errors:
            raise ValidationError(errors)

    def _date_of_birth_errors(self) -> dict[str, str]:
        year, month, day = self.birth_year, self.birth_month, self.birth_day
        # Out-of-range parts are reported by the fields' own validators.
        if not isinstance(year, int) or not 1850 <= year <= 2200:
            return {}
        if month is not None and not 1 <= month <= 12:
            return {}
        if day is not None and not 1 <= day <= 31:
            return {}
        if day is not None and month is None:
            return {"birth_day": _("A day of birth needs a month of birth.")}
        if day is not None and day > calendar.monthrange(year, month)[1]:
            return {"birth_day": _("This day does not exist in that month.")}
        today = timezone.localdate()
        if (year, month or 1, day or 1) > (today.year, today.month, today.day):
            return {"birth_year": _("The date of birth cannot be in the future.")}
        return {}


DUPLICATE_DOCUMENT = _("This state has already issued a document of this kind with this number.")


class IdentityDocumentQuerySet(ScopedQuerySet):
    def visible_to(self, actor: Actor | None) -> "IdentityDocumentQuerySet":
        """A document is visible exactly when its person is."""
        if actor is None:
            return self.none()
        if actor.sees_all_offices:
            return self
        return self.filter(persons_visible(actor, via="person__"))


class IdentityDocument(models.Model):
    """A passport, national ID, residence card … that a person holds or held."""

    class Kind(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        NATIONAL_ID = "national_id", _("National identity card")
        RESIDENCE_CARD = "residence_card", _("Residence card")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        # Produced but not yet handed to its holder (a passport waiting at the collection desk).
        PENDING = "pending", _("Not yet handed over")
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        LOST = "lost", _("Lost")
        STOLEN = "stolen", _("Stolen")
        REVOKED = "revoked", _("Revoked")
        CANCELLED = "cancelled", _("Cancelled")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="documents", verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    number = models.CharField(
        _("number"),
        max_length=30,
        validators=[RegexValidator(DOCUMENT_NUMBER, _("Use letters A–Z and digits only."))],
    )
    issuing_state = models.CharField(_("issuing state"), max_length=3, validators=[validate_alpha3])
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.VALID)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OfficeScopedManager.from_queryset(IdentityDocumentQuerySet)()
    unscoped = models.Manager.from_queryset(IdentityDocumentQuerySet)()

    class Meta:
        ordering = ["person", "-issued_on", "pk"]
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "issuing_state", "number"],
                name="identity_document_unique_number",
                violation_error_message=DUPLICATE_DOCUMENT,
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="identity_document_expires_after_issue",
                violation_error_message=_("A document cannot expire before it is issued."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "valid", "expired", "lost", "stolen", "revoked", "cancelled"]),
                name="identity_document_status_valid",
            ),
        ]

    def __str__(self) -> str:
        # The number is personal data: show only its end, enough to tell two documents apart.
        return f"{self.get_kind_display()} {self.issuing_state} …{self.number[-4:]}"


class PersonNameKey(models.Model):
    """A blocking key (`names.blocking_keys`) of one of a person's names: search looks candidates up here.

    Derived data, rewritten by the identity actions whenever a name or birth year changes; it
    holds no name, only a sound skeleton, and is always read restricted to persons the actor
    may see. The year of birth and the creating office are copied here so that a common name
    with a date of birth, or an office's own persons, are answered from an index alone
    (key, year, person / office, key, year, person), without visiting thousands of persons.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys", verbose_name=_("person"))
    key = models.CharField(_("key"), max_length=32)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    created_by_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("created by office")
    )

    class Meta:
        verbose_name = _("person name key")
        verbose_name_plural = _("person name keys")
        indexes = [
            models.Index(fields=["key", "birth_year", "person"], name="person_name_key"),
            models.Index(fields=["created_by_office", "key", "birth_year", "person"], name="person_name_key_office"),
        ]
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="person_name_key_unique")]

    def __str__(self) -> str:
        return self.key


class PersonAccess(models.Model):
    """An office that may read the person: the one that recorded them, and each office that held one of their cases.

    Identity's own record, so the rule needs nothing from the floors above: the workflow
    writes a row (`identity.actions.grant_person_access`) when a case opens at an office or
    is handed over to one, and a merge gives the kept person the rows of both records.
    Rows are never removed: an office that once held a person's case keeps reading what it sent.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access", verbose_name=_("person"))
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("office"))

    class Meta:
        verbose_name = _("person access")
        verbose_name_plural = _("person access")
        constraints = [models.UniqueConstraint(fields=["person", "office"], name="person_access_once")]
        # The office's persons, read from the index alone (search, visibility).
        indexes = [models.Index(fields=["office", "person"], name="person_access_office")]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.office_id}"


class DuplicateReviewQuerySet(ScopedQuerySet):
    def visible_to(self, actor: Actor | None) -> "DuplicateReviewQuerySet":
        """HQ decides duplicates across offices (auditors read along); a mission sees no review at all.

        A review names a person the raising office may not read, so even its existence per
        person is kept from missions: they learn only "a review is pending" for their own record.
        """
        if actor is None or not actor.sees_all_offices:
            return self.none()
        return self

    def pending(self) -> "DuplicateReviewQuerySet":
        return self.filter(status=DuplicateReview.Status.PENDING)


class DuplicateReview(models.Model):
    """A new person who may be the same human as a person at an office that recorded them could not read.

    Raised by the duplicate check when a person is recorded; decided at HQ by a human, never
    automatically: the same person (the new record is merged into the existing one) or distinct.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        SAME_PERSON = "same_person", _("Same person: records merged")
        DISTINCT = "distinct", _("Different persons")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="duplicate_reviews", verbose_name=_("new record")
    )
    candidate = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("possible duplicate")
    )
    score = models.FloatField(_("score"))
    raised_by_office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="+", verbose_name=_("raised by")
    )
    raised_by = models.CharField(_("raised by (who)"), max_length=200)
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OfficeScopedManager.from_queryset(DuplicateReviewQuerySet)()
    unscoped = models.Manager.from_queryset(DuplicateReviewQuerySet)()

    class Meta:
        ordering = ["raised_at", "id"]
        verbose_name = _("duplicate review")
        verbose_name_plural = _("duplicate reviews")
        constraints = [
            models.UniqueConstraint(fields=["person", "candidate"], name="duplicate_review_once_per_pair"),
            models.CheckConstraint(condition=~Q(person=models.F("candidate")), name="duplicate_review_two_records"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "same_person", "distinct"]), name="duplicate_review_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["raised_at", "id"], name="duplicate_review_pending", condition=Q(status="pending"))
        ]

    def __str__(self) -> str:
        return f"review {self.pk}: person {self.person_id} / {self.candidate_id}"
