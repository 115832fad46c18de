"""Reads of the audit trail."""

from __future__ import annotations

from django.db.models import QuerySet

from govindex.audit.hashing import record_hash
from govindex.audit.models import GENESIS_HASH, AuditRecord
from govindex.audit.services import Target, target_key


def audit_verify() -> AuditRecord | None:
    """The first record whose hash or link to the previous record is wrong; ``None`` if intact.

    Finds a row edited or removed from the middle of the chain by raw SQL. A row removed from
    the end cannot be told from one never written; compare the head with a copy kept elsewhere.
    """
    expected_previous = GENESIS_HASH
    for record in AuditRecord.objects.order_by("pk").iterator(chunk_size=2000):
        if record.previous_hash != expected_previous or record_hash(record) != record.hash:
            return record
        expected_previous = record.hash
    return None


def audit_trail(target: Target) -> QuerySet[AuditRecord]:
    """The records about one target, oldest first."""
    target_type, target_id = target_key(target)
    return AuditRecord.objects.filter(target_type=target_type, target_id=target_id).order_by(
        "at", "pk"
    )
