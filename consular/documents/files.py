"""Uploaded files: what they are by their first bytes, and where they are kept.

A file is judged by its content, never by the name or content type its sender gave, and kept
under PROTECTED_MEDIA_ROOT, which has no URL: a view streams it only after the scoped fetch of
the record it belongs to has succeeded.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage

# The scans a checklist accepts (application forms, family registers, invitations …).
SCAN_SIGNATURES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
SCAN_MAX_BYTES = 10 * 1024 * 1024


def scan_content_type(data: bytes) -> str | None:
    """PDF, JPEG or PNG by their first bytes, not by the name the sender gave; None for anything else."""
    for signature, content_type in SCAN_SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    return None


class ProtectedStorage(FileSystemStorage):
    """Files under PROTECTED_MEDIA_ROOT, read when used (so a test can point it elsewhere); no URL of their own."""

    @property
    def base_location(self) -> str:
        return str(settings.PROTECTED_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:
        return None


def protected_storage() -> FileSystemStorage:
    """Photos and scanned documents live outside the web root; only views that check the record serve them."""
    return ProtectedStorage()
