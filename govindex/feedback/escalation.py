"""The periodic job: escalate cases whose deadline nears (to the unit leader) or has passed (to
the city), and close published answers the citizen never rated.

``govindex feedback escalate`` calls ``feedback_escalate``; run it every 15 minutes (cron, a
systemd timer or a huey periodic task). It is idempotent: a level is recorded once per deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govindex.audit.services import audit_record
from govindex.calendars.selectors import city_calendar
from govindex.calendars.working_days import WorkingCalendar
from govindex.feedback.models import (
    CaseStatus,
    DeadlineKind,
    Escalation,
    EscalationLevel,
    FeedbackCase,
    Severity,
)
from govindex.feedback.services import feedback_transition

JOB_ACTOR = "system:feedback-escalate"
#: Working hours before a deadline at which it counts as near (the unit leader is alerted).
NEAR_HOURS = {
    DeadlineKind.ACCEPT: 2.0,
    DeadlineKind.HANDLE: 16.0,  # two working days of the fifteen
    DeadlineKind.PUBLISH: 4.0,
}
NEAR_HOURS_URGENT = 1.0
#: A published answer nobody rates is closed after this many working days.
CLOSE_UNRATED_DAYS = 10

S = CaseStatus


def running_deadline(case: FeedbackCase) -> tuple[str, datetime] | None:
    """The deadline the case is now running against, if any."""
    if case.status == S.RECEIVED:
        return DeadlineKind.ACCEPT, case.accept_due
    if case.status in (S.ACCEPTED, S.IN_PROGRESS):
        return DeadlineKind.HANDLE, case.handle_due
    if case.status == S.ANSWERED and case.publish_due is not None:
        return DeadlineKind.PUBLISH, case.publish_due
    return None


def level_due(kind: str, severity: str, hours_left: float) -> int:
    if hours_left <= 0:
        return EscalationLevel.CITY
    near = NEAR_HOURS[DeadlineKind(kind)]
    if kind == DeadlineKind.HANDLE and severity == Severity.URGENT:
        near = NEAR_HOURS_URGENT
    return EscalationLevel.LEADER if hours_left <= near else EscalationLevel.NONE


@dataclass(frozen=True)
class EscalationRun:
    checked: int
    to_leader: int
    to_city: int
    closed_unrated: int


def feedback_escalate(*, now: datetime | None = None) -> EscalationRun:
    now = now or timezone.now()
    calendar = city_calendar()
    checked = to_leader = to_city = 0
    open_cases = FeedbackCase.objects.filter(
        status__in=[S.RECEIVED, S.ACCEPTED, S.IN_PROGRESS, S.ANSWERED]
    ).only(
        "pk",
        "status",
        "severity",
        "accept_due",
        "handle_due",
        "publish_due",
        "escalation_level",
        "handling_unit_id",
    )
    for case in open_cases.iterator(chunk_size=2000):
        checked += 1
        running = running_deadline(case)
        if running is None:
            continue
        kind, due = running
        hours_left = 0.0 if now >= due else calendar.working_hours_between(now, due)
        level = level_due(kind, case.severity, hours_left)
        if level <= case.escalation_level:
            continue
        if _escalate(case, kind=kind, due=due, level=level, now=now):
            to_leader += level == EscalationLevel.LEADER
            to_city += level == EscalationLevel.CITY
    closed = _close_unrated(now, calendar)
    return EscalationRun(checked, to_leader, to_city, closed)


@transaction.atomic
def _escalate(case: FeedbackCase, *, kind: str, due: datetime, level: int, now: datetime) -> bool:
    locked = FeedbackCase.objects.select_for_update().get(pk=case.pk)
    if locked.status != case.status or locked.escalation_level >= level:
        return False
    try:
        with transaction.atomic():
            Escalation.objects.create(
                case=locked,
                kind=kind,
                level=level,
                due=due,
                unit_id=locked.handling_unit_id,
                at=now,
            )
    except IntegrityError:
        return False
    FeedbackCase.objects.filter(pk=locked.pk).update(escalation_level=level)
    audit_record(
        actor=JOB_ACTOR,
        action="feedback.escalate",
        target=locked,
        before={"escalation_level": locked.escalation_level},
        after={"escalation_level": level, "deadline": kind, "due": due},
    )
    return True


def _close_unrated(now: datetime, calendar: WorkingCalendar) -> int:
    closed = 0
    candidates = FeedbackCase.objects.filter(status=S.PUBLISHED, rating="").only(
        "pk", "published_at"
    )
    for case in candidates.iterator(chunk_size=2000):
        if case.published_at is None:
            continue
        if now < calendar.add_working_days(case.published_at, CLOSE_UNRATED_DAYS):
            continue
        feedback_transition(
            case=case,
            to=S.CLOSED,
            actor=JOB_ACTOR,
            reason=_("not rated within %(days)d working days") % {"days": CLOSE_UNRATED_DAYS},
            now=now,
        )
        closed += 1
    return closed
