"""Evidence files attached to a unit's criterion."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from govindex.assessments.evidence import check_evidence_file, safe_display_name
from govindex.assessments.frameworks import leaf_problems
from govindex.assessments.models import Entry, Evidence, Round, RoundState, RoundUnit
from govindex.assessments.services.entries import _require_round_units
from govindex.assessments.services.states import require_round_state, require_unsubmitted
from govindex.audit.services import Actor, actor_fields, audit_record
from govindex.errors import ApplicationError
from govindex.orgs.models import Unit


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _editable(round: Round, unit: Unit) -> None:
    require_round_state(round, {RoundState.OPEN}, doing=_("change evidence"))
    link = RoundUnit.objects.select_related("round", "unit").get(round=round, unit=unit)
    require_unsubmitted(link, doing=_("change its evidence"))


@transaction.atomic
def evidence_add(
    *, round: Round, unit: Unit, leaf_id: str, upload: UploadedFile, actor: Actor
) -> Evidence:
    """Attach a file to the unit's criterion ``leaf_id``. The file's type is checked from its
    content; the same file uploaded twice to a criterion is kept once (a double submit or a
    retry adds nothing)."""
    _require_round_units(round, [unit])
    round = Round.objects.select_for_update().get(pk=round.pk)
    _editable(round, unit)
    kind = check_evidence_file(
        upload.name or "", upload, upload.size or 0, max_bytes=settings.EVIDENCE_MAX_BYTES
    )
    problems = leaf_problems(Entry(round=round, unit=unit, leaf_id=leaf_id))
    if problems:
        raise ApplicationError(problems[0][1], code="unknown_leaf")
    sha256 = _sha256(upload)
    entry, _created = Entry.objects.get_or_create(round=round, unit=unit, leaf_id=leaf_id)
    existing = entry.files.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    user, _label = actor_fields(actor)
    evidence = Evidence(
        entry=entry,
        original_name=safe_display_name(upload.name or ""),
        content_type=kind.content_type,
        size=upload.size or 0,
        sha256=sha256,
        uploaded_by=user,
    )
    evidence.file.save(f"{uuid.uuid4().hex}{kind.extensions[0]}", upload, save=False)
    # The file is on disk before the row commits; if the row fails, the file goes too.
    try:
        evidence.full_clean()
        evidence.save()
    except Exception:
        evidence.file.storage.delete(evidence.file.name)
        raise
    audit_record(
        actor=actor,
        action="evidence.add",
        target=evidence,
        after={
            "unit": unit.code,
            "leaf_id": leaf_id,
            "name": evidence.original_name,
            "size": evidence.size,
            "sha256": sha256,
        },
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor: Actor) -> None:
    """Take a file off its criterion; the audit keeps its name and checksum."""
    evidence = Evidence.objects.select_related("entry__round", "entry__unit").get(pk=evidence.pk)
    entry = evidence.entry
    round = Round.objects.select_for_update().get(pk=entry.round_id)
    _editable(round, entry.unit)
    before = {
        "unit": entry.unit.code,
        "leaf_id": entry.leaf_id,
        "name": evidence.original_name,
        "sha256": evidence.sha256,
    }
    stored, storage, pk = evidence.file.name, evidence.file.storage, evidence.pk
    evidence.delete()
    audit_record(
        actor=actor, action="evidence.remove", target=("assessments.evidence", pk), before=before
    )
    transaction.on_commit(lambda: storage.delete(stored))
