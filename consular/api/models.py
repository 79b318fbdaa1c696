from django.db import models


class IdempotencyRecord(models.Model):
    """The first response to a POST with an Idempotency-Key, replayed to any retry of it."""

    principal = models.CharField(max_length=200)
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)  # null while the first request runs
    response_body = models.JSONField(null=True)
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="idempotency_key_once_per_principal")]

    def __str__(self) -> str:
        return f"{self.principal} {self.key} → {self.status_code}"
