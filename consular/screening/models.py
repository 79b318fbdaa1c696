"""Watchlists and their entries, with a version per entry and a history row per version.

Screening (later) records the entry's version in every hit, and after an import re-screens
only the entries whose version moved: `EntryVersion.made_by` names the import that moved it.
List entries are reference data HQ publishes to every office, not one office's personal data,
so they have no office scope; they change only through `consular.screening.actions`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consular.offices.models import validate_alpha3


class Watchlist(models.Model):
    class Kind(models.TextChoices):
        SANCTIONS = "sanctions", _("Sanctions list (travel ban)")
        REFUSED_ENTRY = "refused_entry", _("Persons refused entry or to be examined with care")
        DOCUMENTS = "documents", _("Lost, stolen and revoked travel documents")

    code = models.SlugField(_("code"), max_length=32, unique=True, help_text=_("e.g. un-sc, national."))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True, help_text=_("Applicants are screened against it."))

    class Meta:
        ordering = ["code"]
        verbose_name = _("watchlist")
        verbose_name_plural = _("watchlists")

    def __str__(self) -> str:
        return self.code


class WatchlistImport(models.Model):
    """One run of an import: which file, which edition, who ran it, and what it changed."""

    class Format(models.TextChoices):
        UN_SC = "un-sc", _("UN Security Council Consolidated List (XML)")
        CSV_NATIONAL = "csv-national", _("National list (CSV)")
        CSV_DOCUMENTS = "csv-documents", _("Lost, stolen and revoked documents (CSV)")

    watchlist = models.ForeignKey(Watchlist, on_delete=models.PROTECT, related_name="imports",
                                  verbose_name=_("watchlist"))
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    edition = models.DateTimeField(_("edition"), help_text=_("When the list's publisher generated this file."))
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    delisted = models.PositiveIntegerField(_("delisted"), default=0)
    relisted = models.PositiveIntegerField(_("relisted"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    unresolved_countries = models.JSONField(_("unresolved countries"), default=list, blank=True)
    # Copied, not linked, like the audit log: the record stays true after a user is renamed.
    imported_by = models.CharField(_("imported by"), max_length=200)
    office_code = models.CharField(_("office"), max_length=8, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("watchlist import")
        verbose_name_plural = _("watchlist imports")
        indexes = [models.Index(fields=["watchlist", "edition"], name="screening_import_edition")]

    def __str__(self) -> str:
        return f"{self.watchlist.code} {self.edition:%Y-%m-%d} ({self.source_sha256[:12]})"


class ListEntryQuerySet(models.QuerySet):
    def listed(self) -> "ListEntryQuerySet":
        """Entries in force: on an active list and not delisted."""
        return self.filter(delisted_on__isnull=True, watchlist__active=True)


class ListEntry(models.Model):
    """A person, organisation or document on a watchlist, as the latest imported edition gives it."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        ENTITY = "entity", _("Entity")
        DOCUMENT = "document", _("Document")

    watchlist = models.ForeignKey(Watchlist, on_delete=models.PROTECT, related_name="entries",
                                  verbose_name=_("watchlist"), db_index=False)
    # The publisher's own stable identifier (the UN's DATAID, the national list's reference): the
    # key an edition is matched against the stored entries by.
    source_key = models.CharField(_("source key"), max_length=64)
    # What the publisher cites (the UN's REFERENCE_NUMBER, e.g. QDi.295): shown on a hit.
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    primary_name = models.CharField(_("name"), max_length=500, blank=True)
    # In published order: the UN's FIRST_NAME … FOURTH_NAME (which of them is the family name varies);
    # the national list's family name, then given names.
    name_parts = models.JSONField(_("name parts"), default=list, blank=True)
    native_name = models.CharField(_("name in native script"), max_length=500, blank=True)
    reason = models.TextField(_("listing reason"), blank=True)
    list_type = models.CharField(_("source list"), max_length=64, blank=True, help_text=_('e.g. "Al-Qaida".'))
    listed_on = models.DateField(_("listed on"), null=True, blank=True)
    delisted_on = models.DateField(_("delisted on"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # SHA-256 of the entry's snapshot: an edition's record is compared with the stored entry by it alone.
    fingerprint = models.CharField(max_length=64, editable=False)
    # Set by the import that changes the entry, never by an unchanged one (screening re-reads what moved).
    updated_at = models.DateTimeField(_("updated"))

    objects = ListEntryQuerySet.as_manager()

    class Meta:
        ordering = ["watchlist", "source_key"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        constraints = [
            models.UniqueConstraint(fields=["watchlist", "source_key"], name="screening_entry_source_key"),
        ]
        indexes = [
            # What screening reads: a list's entries in force.
            models.Index(fields=["watchlist", "id"], name="screening_entry_listed",
                         condition=Q(delisted_on__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.watchlist.code} {self.reference or self.source_key} {self.primary_name}"[:300]


class EntryName(models.Model):
    class Quality(models.TextChoices):
        PRIMARY = "primary", _("Primary name")
        GOOD = "good", _("Good-quality alias")
        LOW = "low", _("Low-quality alias")

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="names", verbose_name=_("entry"))
    full_name = models.CharField(_("name"), max_length=500)
    quality = models.CharField(_("quality"), max_length=8, choices=Quality.choices)
    script = models.CharField(_("script"), max_length=4, default="Latn", help_text=_("ISO 15924, e.g. Latn, Arab."))
    # Which published name it comes from: 0 the primary name, 1, 2 … the aliases in published order
    # (one alias element may hold several names: "Abdul Rehman; Abd Ur-Rehman").
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["entry", "position", "id"]
        verbose_name = _("name on a list")
        verbose_name_plural = _("names on lists")

    def __str__(self) -> str:
        return self.full_name


class EntryBirthDate(models.Model):
    """A date of birth as the list gives it; from_year and to_year are always set when any year is known."""

    class Kind(models.TextChoices):
        DATE = "date", _("Exact date")
        YEAR = "year", _("Year only")
        RANGE = "range", _("Between two years")
        NOTE = "note", _("Only a note")

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="birth_dates",
                              verbose_name=_("entry"))
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    from_year = models.PositiveSmallIntegerField(_("from year"), null=True, blank=True)
    to_year = models.PositiveSmallIntegerField(_("to year"), null=True, blank=True)
    approximate = models.BooleanField(_("approximate"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("date of birth on a list")
        verbose_name_plural = _("dates of birth on lists")

    def __str__(self) -> str:
        if self.date:
            return self.date.isoformat()
        if self.from_year and self.from_year != self.to_year:
            return f"{self.from_year}–{self.to_year}"
        return str(self.from_year or self.note)


class EntryPlace(models.Model):
    """A place of birth."""

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="birth_places",
                              verbose_name=_("entry"))
    city = models.CharField(_("city"), max_length=200, blank=True)
    region = models.CharField(_("state or province"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=3, blank=True, validators=[validate_alpha3])
    country_as_published = models.CharField(_("country as published"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("place of birth on a list")
        verbose_name_plural = _("places of birth on lists")

    def __str__(self) -> str:
        return ", ".join(part for part in (self.city, self.region, self.country or self.country_as_published) if part)


class EntryNationality(models.Model):
    """A nationality: ISO 3166-1 alpha-3 when the published name resolves; the published text always."""

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="nationalities",
                              verbose_name=_("entry"))
    country = models.CharField(_("nationality"), max_length=3, blank=True, validators=[validate_alpha3])
    as_published = models.CharField(_("as published"), max_length=200, blank=True)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("nationality on a list")
        verbose_name_plural = _("nationalities on lists")
        indexes = [models.Index(fields=["country", "entry"], name="screening_nationality")]

    def __str__(self) -> str:
        return self.country or self.as_published


class EntryDocument(models.Model):
    class Kind(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        NATIONAL_ID = "national_id", _("National identity card")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        LISTED = "", _("Held by a listed person")
        LOST = "lost", _("Lost")
        STOLEN = "stolen", _("Stolen")
        REVOKED = "revoked", _("Revoked")

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="documents",
                              verbose_name=_("entry"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    type_as_published = models.CharField(_("type as published"), max_length=200, blank=True)
    # Letters A–Z and digits only (ICAO 9303): what an applicant's document number is looked up by.
    number = models.CharField(_("number"), max_length=64, blank=True)
    number_as_published = models.CharField(_("number as published"), max_length=200, blank=True)
    issuing_country = models.CharField(_("issuing state"), max_length=3, blank=True, validators=[validate_alpha3])
    issuing_country_as_published = models.CharField(_("issuing state as published"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.LISTED, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["entry", "id"]
        verbose_name = _("document on a list")
        verbose_name_plural = _("documents on lists")
        indexes = [models.Index(fields=["number", "issuing_country"], name="screening_document_number")]

    def __str__(self) -> str:
        # A document number on a list is personal data like any other: show only its end.
        return f"{self.get_kind_display()} {self.issuing_country} …{self.number[-4:]}"


class EntryVersion(models.Model):
    """An entry as one version left it: the history, and what a screening hit on that version saw."""

    class Change(models.TextChoices):
        ADDED = "added", _("Added")
        CHANGED = "changed", _("Changed")
        DELISTED = "delisted", _("Delisted")
        RELISTED = "relisted", _("Listed again")

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="versions", verbose_name=_("entry"),
                              db_index=False)
    version = models.PositiveIntegerField(_("version"))
    change = models.CharField(_("change"), max_length=8, choices=Change.choices)
    snapshot = models.JSONField(_("snapshot"))
    delisted_on = models.DateField(_("delisted on"), null=True, blank=True)
    changed_at = models.DateTimeField(_("changed at"))
    made_by = models.ForeignKey(WatchlistImport, on_delete=models.PROTECT, related_name="versions",
                                verbose_name=_("import"))

    class Meta:
        ordering = ["entry", "version"]
        verbose_name = _("list entry version")
        verbose_name_plural = _("list entry versions")
        constraints = [models.UniqueConstraint(fields=["entry", "version"], name="screening_entry_version_once")]

    def __str__(self) -> str:
        return f"{self.entry_id} v{self.version} {self.change}"


# ---------------------------------------------------------------------------------------
# Screening: applicants against the lists (consular/screening/screening.py)
# ---------------------------------------------------------------------------------------


class EntryKey(models.Model):
    """A blocking key of one name of an entry in force: what `key IN (applicant's keys)` finds candidates by.

    Written by `rebuild_entry_keys` (every import calls it for the entries it touched); a delisted
    entry keeps no keys, so a candidate read never sees it.
    """

    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="keys", db_index=False)
    key = models.CharField(max_length=32)

    class Meta:
        indexes = [
            models.Index(fields=["key", "entry"], name="screening_entry_key"),
            models.Index(fields=["entry"], name="screening_entry_key_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.key}"


class ScreeningSubjectQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "ScreeningSubjectQuerySet":
        """Through the case: a subject is visible where its case is (another office's is a 404)."""
        from consular.workflow.models import Case

        if actor is None:
            return self.none()
        if actor.sees_all_offices:
            return self
        return self.filter(case__in=Case.unscoped.visible_to(actor).values("pk"))

    def open(self) -> "ScreeningSubjectQuerySet":
        """Still re-screened when a list changes: not closed by its domain, and its case not closed either."""
        return self.filter(closed=False, case__closed_at__isnull=True)


class ScreeningSubject(models.Model):
    """An applicant to screen: one per case, with the documents to check; re-screened while not closed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not screened yet")
        SCREENED = "screened", _("Screened")

    case = models.OneToOneField("workflow.Case", on_delete=models.PROTECT, related_name="screening",
                                verbose_name=_("case"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    # [{"kind": "passport", "issuing_state": "CHN", "number": "E12345678"}]: numbers letters and digits only.
    documents = models.JSONField(_("documents"), default=list, blank=True)
    requested_at = models.DateTimeField(_("screening requested"))
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)
    # A decided case's applicant is not re-screened when a list changes.
    closed = models.BooleanField(_("closed"), default=False)

    objects = ScreeningSubjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening subject")
        verbose_name_plural = _("screening subjects")

    def __str__(self) -> str:
        return f"screening of case {self.case_id}"


class SubjectKey(models.Model):
    """A blocking key of the applicant's name: a list change finds the open subjects it affects by `key IN`."""

    subject = models.ForeignKey(ScreeningSubject, on_delete=models.CASCADE, related_name="keys", db_index=False)
    key = models.CharField(max_length=32)

    class Meta:
        indexes = [
            models.Index(fields=["key", "subject"], name="screening_subject_key"),
            models.Index(fields=["subject"], name="screening_subject_key_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_id}: {self.key}"


class ScreeningHitQuerySet(models.QuerySet):
    def visible_to(self, actor) -> "ScreeningHitQuerySet":
        return self.filter(subject__in=ScreeningSubject.objects.visible_to(actor).values("pk"))

    def awaiting_adjudication(self) -> "ScreeningHitQuerySet":
        """Hits an officer still has to decide, on entries in force (a delisted entry no longer lists anyone)."""
        return self.filter(status__in=[ScreeningHit.Status.OPEN, ScreeningHit.Status.CLEARANCE_PROPOSED],
                           entry_delisted_on__isnull=True)


class ScreeningHit(models.Model):
    """An applicant who may be a list entry: its score and reasons on the entry's version, and its adjudication."""

    class Status(models.TextChoices):
        OPEN = "open", _("Not adjudicated")
        CLEARANCE_PROPOSED = "clearance_proposed", _("Clearance awaiting a second person")
        CLEARED = "cleared", _("Cleared as a false match")
        CONFIRMED = "confirmed", _("Confirmed")

    class MatchedOn(models.TextChoices):
        NAME = "name", _("Name")
        DOCUMENT = "document", _("Document")

    class ClearReason(models.TextChoices):
        DIFFERENT_PERSON_DOB = "different_person_dob", _("A different person: the date of birth differs")
        DIFFERENT_PERSON_NATIONALITY = "different_person_nationality", _(
            "A different person: the nationality differs")
        DIFFERENT_PERSON_OTHER_IDENTIFIERS = "different_person_other_identifiers", _(
            "A different person: other identifiers differ")
        DOCUMENT_DIFFERS = "document_differs", _("The document is not the one listed")
        OTHER = "other", _("Other (see the note)")

    subject = models.ForeignKey(ScreeningSubject, on_delete=models.CASCADE, related_name="hits",
                                verbose_name=_("applicant"), db_index=False)
    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="hits", verbose_name=_("list entry"))
    entry_version = models.PositiveIntegerField(_("entry version"))
    # The entry's fingerprint when the hit was last found: a newer version with another one changed the entry's data.
    entry_fingerprint = models.CharField(max_length=64, editable=False)
    score = models.FloatField(_("score"))
    # [{"text": English reason, "field": "name" | "birth_date" | "nationality" | "document"}], shown translated.
    reasons = models.JSONField(_("reasons"), default=list)
    matched_on = models.CharField(_("matched on"), max_length=8, choices=MatchedOn.choices)
    matched_name = models.CharField(_("name matched"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.OPEN)
    clear_reason = models.CharField(_("reason for clearing"), max_length=40, choices=ClearReason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    second_note = models.TextField(_("second person's note"), blank=True)
    # Usernames copied, like the audit log, and the user linked while they exist.
    proposed_by = models.CharField(_("proposed by"), max_length=200, blank=True)
    proposed_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                         blank=True, related_name="+")
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    decided_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # Set when the entry is delisted while the hit is not adjudicated: it then blocks nothing.
    entry_delisted_on = models.DateField(_("entry delisted on"), null=True, blank=True)
    # A cleared (or proposed) hit is opened again when the entry's data changes: the version it was decided on.
    reopened_after_version = models.PositiveIntegerField(_("opened again after version"), null=True, blank=True)
    found_at = models.DateTimeField(_("found"))
    updated_at = models.DateTimeField(_("updated"))
    version = models.PositiveIntegerField(default=1)

    objects = ScreeningHitQuerySet.as_manager()

    class Meta:
        ordering = ["subject", "-score", "id"]
        verbose_name = _("screening hit")
        verbose_name_plural = _("screening hits")
        constraints = [models.UniqueConstraint(fields=["subject", "entry"], name="screening_hit_once")]
        indexes = [
            models.Index(fields=["status"], name="screening_hit_proposed",
                         condition=Q(status="clearance_proposed")),
        ]

    def __str__(self) -> str:
        return f"hit {self.pk}: subject {self.subject_id} ~ entry {self.entry_id} v{self.entry_version}"

    @property
    def needs_second_person(self) -> bool:
        return self.entry.watchlist.kind == Watchlist.Kind.SANCTIONS
class ImportJob(models.Model):
    """A file HQ uploaded to import: kept in protected storage, imported by a Celery task, its progress and outcome.

    The job's row changes only outside the import's transaction (queued → running → done or failed);
    the live count while the import runs is in the cache (`consular.screening.uploads`).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    watchlist = models.ForeignKey(Watchlist, on_delete=models.PROTECT, related_name="jobs",
                                  verbose_name=_("watchlist"))
    format = models.CharField(_("format"), max_length=16, choices=WatchlistImport.Format.choices)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    # Under PROTECTED_MEDIA_ROOT with a name of our own (never the sender's); no URL serves it.
    stored_as = models.CharField(_("stored as"), max_length=255)
    source_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    edition_date = models.DateField(_("edition date"), null=True, blank=True,
                                    help_text=_("CSV only: the list's date; without it, the moment of import."))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(_("entries compared"), default=0)
    progress_total = models.PositiveIntegerField(_("entries in the file"), default=0)
    # The import's counts (added, changed, delisted, relisted, unchanged), already_imported, unresolved_countries.
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    made_import = models.ForeignKey(WatchlistImport, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="jobs", verbose_name=_("import"))
    # The uploader's language: the task writes the error message in it.
    language = models.CharField(_("language"), max_length=8, default="en")
    # The name is copied, like WatchlistImport.imported_by; the user is who the task imports as.
    requested_by = models.CharField(_("uploaded by"), max_length=200)
    requested_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                          blank=True, related_name="+", verbose_name=_("uploaded by"))
    office_code = models.CharField(_("office"), max_length=8, blank=True)
    requested_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        indexes = [models.Index(fields=["watchlist", "-requested_at"], name="screening_job_recent")]

    def __str__(self) -> str:
        return f"{self.watchlist.code} job {self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
