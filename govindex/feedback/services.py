"""Every write to feedback cases. A case changes state only through ``feedback_transition``."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govindex.audit.services import Actor, actor_fields, audit_record
from govindex.errors import ApplicationError
from govindex.feedback import deadlines
from govindex.feedback.models import (
    AbuseReport,
    ApiKey,
    CaseEvent,
    CasePhoto,
    CaseRating,
    CaseStatus,
    CaseTransfer,
    Channel,
    FeedbackCase,
    FeedbackCategory,
    Rating,
    RejectionReason,
    Severity,
    TransferReason,
)
from govindex.feedback.moderation import MAX_PHOTOS, mask_personal_data, photo_check
from govindex.feedback.moderation import PHOTO_TYPES as PHOTO_EXTENSIONS
from govindex.feedback.routing import area_for_point, route_case
from govindex.feedback.transitions import is_allowed, is_reopening, is_transfer
from govindex.orgs.models import Unit

S = CaseStatus

#: A case passed on more than this many times is flagged as push-and-avoid.
PUSH_AVOID_MAX_TRANSFERS = 2
#: Open abuse reports that hide a case from the public until a moderator decides.
ABUSE_HIDE_THRESHOLD = 3
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def tracking_code_new(at: datetime) -> str:
    """``PA25-7K3QXMA``: PA (phản ánh), the year, seven unambiguous random characters."""
    year = timezone.localtime(at).strftime("%y")
    return f"PA{year}-" + "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(7))


def citizen_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _snapshot(case: FeedbackCase) -> dict[str, Any]:
    return {
        "status": case.status,
        "unit": case.handling_unit.code,
        "accept_due": case.accept_due,
        "handle_due": case.handle_due,
        "publish_due": case.publish_due,
        "transfer_count": case.transfer_count,
        "reopen_count": case.reopen_count,
    }


def _event(
    case: FeedbackCase, *, at: datetime, from_status: str, actor: Actor, reason: str
) -> CaseEvent:
    user, label = actor_fields(actor)
    event = CaseEvent(
        case=case,
        at=at,
        from_status=from_status,
        to_status=case.status,
        unit=case.handling_unit,
        actor=user,
        actor_label=label,
        reason=reason,
    )
    event.full_clean()
    event.save()
    return event


@dataclass(frozen=True)
class PhotoUpload:
    name: str
    data: bytes


@dataclass(frozen=True)
class SubmittedCase:
    case: FeedbackCase
    citizen_key: str


@transaction.atomic
def feedback_case_submit(
    *,
    category: FeedbackCategory,
    description: str,
    actor: Actor,
    lat: float | None = None,
    lon: float | None = None,
    address: str = "",
    area: Unit | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    submitted_by: AbstractBaseUser | None = None,
    channel: str = Channel.WEB,
    photos: Sequence[PhotoUpload] = (),
    attributes: dict[str, Any] | None = None,
    media_url: str = "",
    device_id: str = "",
    account_id: str = "",
    repeat_of: FeedbackCase | None = None,
    now: datetime | None = None,
) -> SubmittedCase:
    """Receive a report: route it, set its deadlines, mask its public text, keep its photos."""
    now = now or timezone.now()
    if not category.active:
        raise ApplicationError(
            _("This category no longer takes reports."), code="category_inactive", status=400
        )
    description = description.strip()
    if not description:
        raise ApplicationError(_("Describe the problem."), code="description_required", status=400)
    if len(photos) > MAX_PHOTOS:
        raise ApplicationError(
            _("At most %(count)d photos can be sent with a report.") % {"count": MAX_PHOTOS},
            code="too_many_photos",
            status=400,
        )
    checked = [(photo, photo_check(photo.data, name=photo.name)) for photo in photos]
    if area is None and lat is not None and lon is not None:
        area = area_for_point(lat, lon)
    unit = route_case(category, area)
    severity = category.severity
    due = deadlines.receipt_deadlines(received_at=now, severity=severity)
    citizen_key = secrets.token_urlsafe(16)
    case = FeedbackCase(
        category=category,
        severity=severity,
        channel=channel,
        description=description,
        public_description=mask_personal_data(description),
        attributes=attributes or {},
        lat=lat,
        lon=lon,
        address=address.strip(),
        area=area,
        media_url=media_url,
        repeat_of=repeat_of,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
        submitted_by=submitted_by if submitted_by and submitted_by.is_authenticated else None,
        device_id=device_id,
        account_id=account_id,
        citizen_key_hash=citizen_key_hash(citizen_key),
        open311_token=secrets.token_hex(16),
        status=S.RECEIVED,
        handling_unit=unit,
        unit_since=now,
        received_at=now,
        updated_at=now,
        accept_due=due.accept_due,
        reject_due=due.reject_due,
        handle_due=due.handle_due,
    )
    for _attempt in range(5):
        case.tracking_code = tracking_code_new(now)
        case.full_clean()
        try:
            with transaction.atomic():
                case.save(force_insert=True)
            break
        except IntegrityError:
            if not FeedbackCase.objects.filter(tracking_code=case.tracking_code).exists():
                raise
            case.pk = None
    else:  # pragma: no cover - 31**7 codes a year
        raise ApplicationError(_("Please send the report again."), code="code_clash", status=503)
    for photo, content_type in checked:
        digest = hashlib.sha256(photo.data).hexdigest()
        stored = CasePhoto(
            case=case, content_type=content_type, size=len(photo.data), sha256=digest
        )
        stored.file.save(
            f"{case.tracking_code}-{digest[:12]}.{PHOTO_EXTENSIONS[content_type]}",
            ContentFile(photo.data),
            save=False,
        )
        stored.full_clean()
        stored.save()
    _event(case, at=now, from_status="", actor=actor, reason="")
    audit_record(
        actor=actor,
        action="feedback.submit",
        target=case,
        after={**_snapshot(case), "category": category.code, "channel": channel},
    )
    return SubmittedCase(case=case, citizen_key=citizen_key)


def _refused(message: str, code: str) -> ApplicationError:
    return ApplicationError(message, code=code, status=409)


@transaction.atomic
def feedback_transition(
    *,
    case: FeedbackCase,
    to: str,
    actor: Actor,
    reason: str = "",
    to_unit: Unit | None = None,
    transfer_reason: str = "",
    rejection_reason: str = "",
    answer: str = "",
    now: datetime | None = None,
) -> FeedbackCase:
    """Move ``case`` to ``to`` if the transitions table allows it, with an event and an audit row.

    Transfer: ``to=received`` with ``to_unit`` and a ``transfer_reason``. Rejection: a
    ``rejection_reason`` from the list. Answer: the ``answer`` text. Reopening (``published`` or
    ``closed`` → ``in_progress``): a ``reason``.
    """
    now = now or timezone.now()
    case = FeedbackCase.objects.select_for_update().select_related("handling_unit").get(pk=case.pk)
    current = case.status
    if to not in S.values:
        raise ApplicationError(f"Unknown case status {to!r}.", code="unknown_status", status=400)
    if not is_allowed(current, to):
        raise _refused(
            _("A case that is %(current)s cannot become %(to)s.")
            % {"current": S(current).label, "to": S(to).label},
            "transition_not_allowed",
        )
    before = _snapshot(case)
    reason = reason.strip()
    action = f"feedback.{to}"
    if is_transfer(current, to):
        action = "feedback.transfer"
        _apply_transfer(case, to_unit, transfer_reason, reason, now)
    elif to == S.ACCEPTED:
        case.accepted_at = now
        case.handle_due = deadlines.handle_due_on_accept(
            accepted_at=now, severity=case.severity, current=case.handle_due
        )
    elif to == S.REJECTED:
        if rejection_reason not in RejectionReason.values:
            raise ApplicationError(
                _("Choose a reason for the rejection from the list."),
                code="rejection_reason_required",
                status=400,
            )
        case.rejection_reason = rejection_reason
        case.rejected_at = now
        reason = reason or str(RejectionReason(rejection_reason).label)
    elif to == S.ANSWERED:
        answer = answer.strip()
        if not answer:
            raise ApplicationError(
                _("Write the answer to the citizen."), code="answer_required", status=400
            )
        case.answer = answer
        case.public_answer = mask_personal_data(answer)
        case.answered_at = now
        case.publish_due = deadlines.publish_due(answered_at=now)
    elif to == S.PUBLISHED:
        case.published_at = now
    elif to == S.CLOSED:
        case.closed_at = now
    elif is_reopening(current, to):
        action = "feedback.reopen"
        if not reason:
            raise ApplicationError(
                _("Say why the case is reopened."), code="reason_required", status=400
            )
        case.reopen_count += 1
        case.answered_at = None
        case.published_at = None
        case.closed_at = None
        case.publish_due = None
        case.handle_due = deadlines.handle_due_on_reopen(at=now, severity=case.severity)
    elif current == S.ANSWERED and to == S.IN_PROGRESS:
        if not reason:
            raise ApplicationError(
                _("Say what the answer still needs."), code="reason_required", status=400
            )
        case.answered_at = None
        case.publish_due = None
    case.status = to
    case.escalation_level = 0
    case.updated_at = now
    case.full_clean()
    case.save()
    _event(case, at=now, from_status=current, actor=actor, reason=reason)
    audit_record(
        actor=actor, action=action, target=case, before=before, after=_snapshot(case), reason=reason
    )
    return case


def _apply_transfer(
    case: FeedbackCase, to_unit: Unit | None, transfer_reason: str, note: str, now: datetime
) -> None:
    if to_unit is None:
        raise ApplicationError(
            _("Choose the unit the case goes to."), code="transfer_unit_required", status=400
        )
    if to_unit.pk == case.handling_unit_id:
        raise ApplicationError(
            _("The case is already with this unit."), code="transfer_to_itself", status=400
        )
    if transfer_reason not in TransferReason.values:
        raise ApplicationError(
            _("Choose a reason for the transfer from the list."),
            code="transfer_reason_required",
            status=400,
        )
    held_before = set(case.transfers.values_list("from_unit_id", flat=True))
    is_bounce = to_unit.pk in held_before
    transfer = CaseTransfer(
        case=case,
        at=now,
        from_unit=case.handling_unit,
        to_unit=to_unit,
        reason=transfer_reason,
        note=note,
        held_hours=round(deadlines.working_hours_between(case.unit_since, now), 2),
        is_bounce=is_bounce,
    )
    transfer.full_clean()
    transfer.save()
    case.transfer_count += 1
    case.bounce_count += int(is_bounce)
    case.push_avoid_flag = case.bounce_count > 0 or case.transfer_count > PUSH_AVOID_MAX_TRANSFERS
    case.handling_unit = to_unit
    case.unit_since = now
    case.accepted_at = None
    due = deadlines.transfer_deadlines(at=now, severity=case.severity, handle_due=case.handle_due)
    case.accept_due = due.accept_due
    case.reject_due = due.reject_due
    case.handle_due = due.handle_due


@transaction.atomic
def feedback_rate(
    *,
    case: FeedbackCase,
    value: str,
    actor: Actor,
    comment: str = "",
    now: datetime | None = None,
) -> CaseRating:
    """The citizen rates the published answer, once per answer. Satisfied closes the case;
    unsatisfied reopens it for more work."""
    now = now or timezone.now()
    case = FeedbackCase.objects.select_for_update().get(pk=case.pk)
    if case.status not in (S.PUBLISHED, S.CLOSED) or case.answered_at is None:
        raise _refused(_("Only a published answer can be rated."), "not_rateable")
    if value not in Rating.values:
        raise ApplicationError(_("Choose satisfied or unsatisfied."), code="rating_value")
    if CaseRating.objects.filter(case=case, round=case.reopen_count).exists():
        raise _refused(_("This answer has already been rated."), "already_rated")
    rating = CaseRating(
        case=case, round=case.reopen_count, value=value, comment=comment.strip(), at=now
    )
    rating.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:
        raise _refused(_("This answer has already been rated."), "already_rated") from exc
    FeedbackCase.objects.filter(pk=case.pk).update(rating=value, updated_at=now)
    audit_record(
        actor=actor,
        action="feedback.rate",
        target=case,
        after={"round": rating.round, "value": value},
    )
    if value == Rating.SATISFIED and case.status == S.PUBLISHED:
        feedback_transition(
            case=case, to=S.CLOSED, actor=actor, reason=_("rated satisfied"), now=now
        )
    elif value == Rating.UNSATISFIED:
        feedback_transition(
            case=case,
            to=S.IN_PROGRESS,
            actor=actor,
            reason=comment.strip() or _("the citizen is not satisfied with the answer"),
            now=now,
        )
    return rating


# Moderation ------------------------------------------------------------------------------------


@transaction.atomic
def abuse_report_create(
    *,
    case: FeedbackCase,
    reason: str,
    reporter_key: str,
    actor: Actor,
    note: str = "",
    now: datetime | None = None,
) -> AbuseReport:
    """Flag a public case. Each reporter once per case; enough open reports hide it."""
    now = now or timezone.now()
    user, _label = actor_fields(actor)
    report = AbuseReport(
        case=case,
        reason=reason,
        note=note.strip(),
        reporter=user,
        reporter_key=reporter_key,
        at=now,
    )
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise _refused(_("You have already reported this case."), "already_reported") from exc
    open_reports = AbuseReport.objects.filter(case=case, resolved_at__isnull=True).count()
    if open_reports >= ABUSE_HIDE_THRESHOLD and not case.hidden:
        FeedbackCase.objects.filter(pk=case.pk).update(hidden=True, updated_at=now)
        case.hidden = True
    audit_record(
        actor=actor,
        action="feedback.abuse_report",
        target=case,
        after={"reason": reason, "open_reports": open_reports, "hidden": case.hidden},
    )
    return report


@transaction.atomic
def abuse_reports_resolve(
    *, case: FeedbackCase, upheld: bool, actor: Actor, reason: str = "", now: datetime | None = None
) -> int:
    """A moderator decides: upheld keeps the case hidden from the public, dismissed shows it."""
    now = now or timezone.now()
    resolved = AbuseReport.objects.filter(case=case, resolved_at__isnull=True).update(
        resolved_at=now, upheld=upheld
    )
    before = case.hidden
    FeedbackCase.objects.filter(pk=case.pk).update(hidden=upheld, updated_at=now)
    case.hidden = upheld
    audit_record(
        actor=actor,
        action="feedback.moderate",
        target=case,
        before={"hidden": before},
        after={"hidden": upheld, "reports": resolved},
        reason=reason,
    )
    return resolved


# Open311 API keys ------------------------------------------------------------------------------


def api_key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_key_create(*, name: str, actor: Actor, per_hour: int = 600) -> tuple[ApiKey, str]:
    """A new Open311 key; the raw key is returned once and only its hash is kept."""
    raw = "gvx_" + secrets.token_urlsafe(24)
    key = ApiKey(name=name.strip(), prefix=raw[:10], key_hash=api_key_hash(raw), per_hour=per_hour)
    key.full_clean()
    key.save()
    audit_record(
        actor=actor, action="feedback.api_key_create", target=key, after={"name": key.name}
    )
    return key, raw


def api_key_find(raw: str) -> ApiKey | None:
    if not raw:
        return None
    return ApiKey.objects.filter(key_hash=api_key_hash(raw), active=True).first()


__all__ = [
    "ABUSE_HIDE_THRESHOLD",
    "PUSH_AVOID_MAX_TRANSFERS",
    "PhotoUpload",
    "Severity",
    "SubmittedCase",
    "abuse_report_create",
    "abuse_reports_resolve",
    "api_key_create",
    "api_key_find",
    "feedback_case_submit",
    "feedback_rate",
    "feedback_transition",
]
