"""The audit trail: one append-only table of who did what to which record, hash-chained.

Rows are written only by ``services.audit_record``. The model and its queryset refuse updates and
deletes; on PostgreSQL a trigger refuses them too (migration 0002), and ``selectors.audit_verify``
finds a row that was changed behind the application's back.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import IntegrityError, models
from django.utils import timezone

#: ``previous_hash`` of the first record of the chain.
GENESIS_HASH = "0" * 64


class AuditRecordImmutableError(IntegrityError):
    """An attempt to change or delete an audit record."""


def _refuse(what: str) -> NoReturn:
    raise AuditRecordImmutableError(
        f"Audit records are append-only: {what} is not allowed. Record a new entry instead."
    )


class AuditRecordQuerySet(models.QuerySet["AuditRecord"]):
    def update(self, **kwargs: Any) -> int:
        _refuse("update()")

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse("delete()")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        _refuse("bulk_update()")


class AuditRecord(models.Model):
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_records",
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        indexes = (models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),)

    def __str__(self) -> str:
        target = f"{self.target_type}#{self.target_id}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse("changing a saved record")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        _refuse("delete()")
