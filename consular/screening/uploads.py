"""A watchlist file HQ uploads on a page: checked, kept in protected storage, imported by a Celery task.

The upload itself writes only the `ImportJob` and the file (`queue_upload`); the task
(`tasks.run_import_job`) calls `run_import_job`, which claims the job with a conditional UPDATE
(so a task delivered twice imports once) and calls `actions.import_watchlist`. That import is one
transaction, which other connections cannot see into until it commits: its live count goes to
the cache (shared by web and worker when CACHE_URL is Redis), and the job's row records only the
steps outside it (running, then done or failed).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consular.audit.actions import Action, record
from consular.documents.files import protected_storage
from consular.offices.models import Office, Role
from consular.offices.scoping import Actor
from consular.screening import national, un_sc
from consular.screening.actions import _ensure_hq, import_watchlist
from consular.screening.models import ImportJob, Watchlist, WatchlistImport
from consular.screening.records import Record, WatchlistFileError

logger = logging.getLogger(__name__)

Format = WatchlistImport.Format
# The full UN list is about 3 MB; a national list of a hundred thousand people fits in this.
UPLOAD_MAX_BYTES = 50 * 1024 * 1024
# Which formats fit which kind of list: documents are their own CSV; people come as the UN's XML or the national CSV.
FORMATS_FOR_KIND = {
    Watchlist.Kind.SANCTIONS: (Format.UN_SC, Format.CSV_NATIONAL),
    Watchlist.Kind.REFUSED_ENTRY: (Format.CSV_NATIONAL,),
    Watchlist.Kind.DOCUMENTS: (Format.CSV_DOCUMENTS,),
}
PROGRESS_SECONDS = 6 * 3600
# What a file that is not text at all starts with: refused before it is stored.
BINARY_SIGNATURES = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"GIF8", b"\x1f\x8b")


@dataclass(frozen=True)
class Edition:
    records: list[Record]
    unresolved_countries: set[str]
    generated: datetime


def read_edition(content: bytes, file_format: str, edition_date: date | None = None) -> Edition:
    """The records of a file in `file_format`, and its edition; WatchlistFileError says what is wrong.

    The UN's XML carries its edition (dateGenerated); a CSV has none: `edition_date`, else now
    (so a corrected file the same day is a newer edition).
    """
    if file_format == Format.UN_SC:
        read = un_sc.read(content)
        return Edition(read.records, read.unresolved_countries, read.generated)
    reader = national.read_national if file_format == Format.CSV_NATIONAL else national.read_documents
    records, unresolved = reader(content)
    generated = datetime.combine(edition_date, time(), tzinfo=UTC) if edition_date else datetime.now(UTC)
    return Edition(records, unresolved, generated)


def content_problem(content: bytes, file_format: str) -> str | None:
    """Why `content` cannot be a file of `file_format`, judged by its bytes (not its name); None if it may be."""
    if not content:
        return _("The file is empty.")
    if len(content) > UPLOAD_MAX_BYTES:
        return _("The file is larger than %(size)d MB.") % {"size": UPLOAD_MAX_BYTES // (1024 * 1024)}
    if content.startswith(BINARY_SIGNATURES) or b"\x00" in content[:4096]:
        return _("This is not a text file (it looks like a PDF, an image, a spreadsheet or an archive).")
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if file_format == Format.UN_SC and start != b"<":
        return _("This is not an XML file: the UN list is published as XML.")
    if file_format != Format.UN_SC and start == b"<":
        return _("This looks like an XML file, not a CSV file.")
    return None


def formats_for(watchlist: Watchlist) -> tuple[str, ...]:
    return FORMATS_FOR_KIND.get(watchlist.kind, ())


@transaction.atomic
def queue_upload(
    watchlist: Watchlist,
    *,
    by: Actor,
    content: bytes,
    file_name: str,
    file_format: str,
    edition_date: date | None,
) -> ImportJob:
    """Keep the file and queue its import; the task starts after commit. Refuses what cannot be a list file."""
    _ensure_hq(by)
    if by.user is None:
        raise PermissionDenied(_("Uploads are made by a signed-in HQ officer."))
    if file_format not in formats_for(watchlist):
        raise ValidationError({"file_format": _("This list is not imported from that format.")}, code="format")
    problem = content_problem(content, file_format)
    if problem:
        raise ValidationError({"file": problem}, code="content")
    if file_format == Format.UN_SC and edition_date is not None:
        raise ValidationError(
            {"edition_date": _("The UN list gives its own edition date; leave this empty.")}, code="edition_date"
        )
    extension = "xml" if file_format == Format.UN_SC else "csv"
    stored_as = protected_storage().save(f"screening/uploads/{uuid.uuid4().hex}.{extension}", ContentFile(content))
    job = ImportJob.objects.create(
        watchlist=watchlist,
        format=file_format,
        file_name=file_name[:255],
        stored_as=stored_as,
        source_sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        edition_date=edition_date,
        language=translation.get_language() or "en",
        requested_by=by.name,
        requested_by_user=by.user,
        office_code=by.office.code,
    )
    record(
        by=by,
        action=Action.CREATE,
        target=job,
        changes={"format": [None, file_format], "source_sha256": [None, job.source_sha256]},
    )
    from consular.screening.tasks import run_import_job as task  # the task module imports this one

    transaction.on_commit(lambda pk=job.pk: task.delay(pk))
    return job


def _progress_key(job_id: int) -> str:
    return f"screening:import-job:{job_id}:progress"


def live_progress(job: ImportJob) -> tuple[int, int]:
    """(compared, total) of a job: the running import's count from the cache, else what its row says."""
    if job.status == ImportJob.Status.RUNNING:
        found = cache.get(_progress_key(job.pk))
        if found:
            return found[0], found[1]
    return job.progress_done, job.progress_total


def run_import_job(job_id: int) -> ImportJob | None:
    """Import a queued job's file as its uploader; None if another delivery of the task has it already."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("watchlist").get(pk=job_id)
    with translation.override(job.language):
        try:
            report = _import(job)
        except (WatchlistFileError, ValidationError, PermissionDenied, OSError) as error:
            job.status, job.error = ImportJob.Status.FAILED, _failure(error)
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
            return job
        except Exception:
            logger.exception("watchlist import job %s failed", job_id)  # the id only: no file content in the log
            job.status, job.error = ImportJob.Status.FAILED, _("The import failed unexpectedly. Nothing was changed.")
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "error", "finished_at"])
            raise
    job.status, job.finished_at = ImportJob.Status.DONE, timezone.now()
    job.made_import = report.run
    job.progress_done = job.progress_total
    job.report = {
        **report.counts,
        "already_imported": report.already_imported,
        "unresolved_countries": report.unresolved_countries,
    }
    job.save(update_fields=["status", "finished_at", "made_import", "progress_done", "report"])
    cache.delete(_progress_key(job.pk))
    return job


def _failure(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, OSError):
        return _("The uploaded file could not be read back from storage.")
    return str(error)


def _import(job: ImportJob):
    user = get_user_model().objects.filter(pk=job.requested_by_user_id, is_active=True).first()
    office = Office.directory.filter(code=job.office_code, kind=Office.Kind.HQ).first()
    if user is None or office is None:
        raise PermissionDenied(_("The officer who uploaded the file can no longer import it."))
    by = Actor(office=office, role=Role.HQ_OFFICER, user=user)
    with protected_storage().open(job.stored_as, "rb") as stored:
        content = stored.read()
    edition = read_edition(content, job.format, job.edition_date)
    job.progress_total = len(edition.records)
    job.save(update_fields=["progress_total"])

    def progress(done: int, total: int) -> None:
        cache.set(_progress_key(job.pk), (done, total), PROGRESS_SECONDS)

    return import_watchlist(
        job.watchlist,
        edition.records,
        by=by,
        edition=edition.generated,
        source_sha256=job.source_sha256,
        file_format=job.format,
        file_name=job.file_name,
        unresolved_countries=edition.unresolved_countries,
        progress=progress,
    )
