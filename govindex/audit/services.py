"""The one write path of the audit trail."""

from __future__ import annotations

from typing import Any, TypeAlias

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, models, transaction
from django.utils import timezone

from govindex.audit.hashing import json_safe, record_hash
from govindex.audit.models import GENESIS_HASH, AuditRecord

#: Key of the PostgreSQL advisory lock that serialises appends to the chain.
CHAIN_LOCK_KEY = 0x60F1_D3C5_A0D1
SYSTEM_PREFIX = "system:"

Target: TypeAlias = models.Model | tuple[str, Any]
Actor: TypeAlias = AbstractBaseUser | str | None


def target_key(target: Target) -> tuple[str, str]:
    """``("app_label.model", "pk")`` for a model instance, or the given ``(type, id)`` pair."""
    if isinstance(target, models.Model):
        if target.pk is None:
            raise ValueError(f"cannot audit an unsaved {type(target).__name__}")
        meta = target._meta
        return f"{meta.app_label}.{meta.model_name}", str(target.pk)
    target_type, target_id = target
    return str(target_type), str(target_id)


def actor_fields(actor: Actor) -> tuple[AbstractBaseUser | None, str]:
    """The user to link and the label to keep: a user's username, or ``system:<job>``."""
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        label = actor if actor.startswith(SYSTEM_PREFIX) else f"{SYSTEM_PREFIX}{actor}"
        return None, label
    if not actor.is_authenticated:
        return None, "anonymous"
    return actor, actor.get_username()


def _lock_chain() -> str:
    """Take the chain's lock for this transaction and return the hash of its last record.

    PostgreSQL: a transaction-scoped advisory lock, held until commit, so the next writer reads
    the head only after this one's record is visible (a ``SELECT … FOR UPDATE`` of the head row
    would let a waiting writer keep the head it read before the lock, forking the chain).
    SQLite takes its write lock at BEGIN (``transaction_mode = IMMEDIATE``), which already
    serialises writers.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
    head = AuditRecord.objects.order_by("-pk").values_list("hash", flat=True).first()
    return head or GENESIS_HASH


@transaction.atomic
def audit_record(
    *,
    actor: Actor,
    action: str,
    target: Target,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> AuditRecord:
    """Append one record to the audit trail.

    ``actor`` is a user, ``None`` for the system, or a job name (kept as ``system:<job>``);
    ``target`` is a model instance or a ``(type, id)`` pair; ``before``/``after`` are
    JSON-serialisable (dates and decimals become strings).
    """
    user, label = actor_fields(actor)
    target_type, target_id = target_key(target)
    record = AuditRecord(
        at=timezone.now(),
        actor=user,
        actor_label=label,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=json_safe(before),
        after=json_safe(after),
        reason=reason,
    )
    record.previous_hash = _lock_chain()
    record.hash = record_hash(record)
    record.full_clean(validate_unique=False, validate_constraints=False)
    record.save(force_insert=True)
    return record
