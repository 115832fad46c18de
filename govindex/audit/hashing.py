"""The hash of an audit record: sha256 over the previous hash and the record's canonical JSON.

The user id is left out on purpose: deleting a user sets ``actor`` to NULL, while
``actor_label`` (kept in the hash) still says who acted.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


def json_safe(value: Any) -> Any:
    """``value`` as it will come back from a JSONField (dates, decimals … become strings)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False))


def canonical_json(
    *,
    at: datetime,
    actor_label: str,
    action: str,
    target_type: str,
    target_id: str,
    before: Any,
    after: Any,
    reason: str,
) -> str:
    fields = {
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_label": actor_label,
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "before": before,
        "after": after,
        "reason": reason,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(previous_hash: str, canonical: str) -> str:
    return hashlib.sha256((previous_hash + canonical).encode("utf-8")).hexdigest()


def record_hash(record: Any) -> str:
    """Recompute the hash of a stored ``AuditRecord`` from its fields."""
    canonical = canonical_json(
        at=record.at,
        actor_label=record.actor_label,
        action=record.action,
        target_type=record.target_type,
        target_id=record.target_id,
        before=record.before,
        after=record.after,
        reason=record.reason,
    )
    return chain_hash(record.previous_hash, canonical)
