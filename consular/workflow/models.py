"""The case life cycle shared by every domain (issue 3); for now, worker liveness."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """The last time the Celery worker ran the beat-scheduled heartbeat: proof both are alive."""

    worker = models.CharField(_("worker"), max_length=200, unique=True)
    beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
