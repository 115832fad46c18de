"""Who may do what on the assessment screens: every view of ``govindex.assessments.urls`` for
every role, on the unit's own record and on another unit's, while the round is at work and once
it is published (issue 3, item 1).

The expectations are the tables ``AT_WORK`` and ``PUBLISHED`` below: one row per action, one
column per person. Each cell signs in as that person, puts the round in the state the action is
meant for, sends the request and checks the answer's status *and* the database: a write that is
done changes exactly what ``Action.change`` says and leaves one audit record by that person;
everything else changes nothing and records nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from govindex.assessments.models import Entry, Evidence, Round, RoundState, RoundUnit
from govindex.audit.models import AuditRecord
from govindex.orgs.models import Membership, Role, Unit, UnitKind
from tests.factories import (
    EntryFactory,
    MembershipFactory,
    RoundFactory,
    RoundUnitFactory,
    UnitFactory,
    UserFactory,
)

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
KNOWN_PDF = b"%PDF-1.4\n% the evidence already on file\n%%EOF\n"

# --- the people -------------------------------------------------------------------------------
# The record acted on is always that of ward 00001 (or the round itself). "own" people work for
# 00001; "other" people for ward 00002, which takes part in the same round; the department staff
# work for SXD (in the round too); the outsider is staff of ward 00009, which is not in the round.

ACTORS = (
    "anonymous",
    "staff_own",
    "staff_other",
    "leader_own",
    "leader_other",
    "department_staff",
    "outsider",
    "appraiser",
    "city_leader",
    "admin",
    "superuser",
)
MEMBERSHIPS = {
    "staff_own": ("00001", Role.STAFF),
    "staff_other": ("00002", Role.STAFF),
    "leader_own": ("00001", Role.LEADER),
    "leader_other": ("00002", Role.LEADER),
    "department_staff": ("SXD", Role.STAFF),
    "outsider": ("00009", Role.STAFF),
    "appraiser": ("SNV", Role.APPRAISER),
    "city_leader": ("HN", Role.CITY_LEADER),
    "admin": ("HN", Role.ADMIN),
}

# --- the expectations -------------------------------------------------------------------------
# L  anonymous: 302 to the sign-in page             P  the page is shown (200)
# D  done: the action's status, exactly its change   F  forbidden (403, the 403 page)
# R  refused by the round's state: the action's      N  not found (404): the round is not
#    status, a message, nothing changed                 visible to this person
# L, P, F, N and R change nothing and write no audit record.

#: The round in the state each action is meant for (``Action.state``).
AT_WORK = {
    # action              anon staff staff' leader leader' dept outsider appraiser city admin super
    "rounds":            "L    P     P      P      P       P    P        P         P    P     P",
    "round":             "L    P     P      P      P       P    N        P         P    P     P",
    "self_assessment":   "L    P     F      P      F       F    N        P         P    P     P",
    "criterion_save":    "L    D     F      D      F       F    N        F         F    F     F",
    "evidence_upload":   "L    D     F      D      F       F    N        F         F    F     F",
    "evidence_download": "L    P     F      P      F       F    F        P         P    P     P",
    "evidence_remove":   "L    D     F      D      F       F    F        F         F    F     F",
    "unit_submit":       "L    F     F      D      F       F    N        F         F    F     F",
    "unit_return":       "L    F     F      F      F       F    F        D         F    D     D",
    "appraisal":         "L    F     F      F      F       F    F        P         F    P     P",
    "appraisal_save":    "L    F     F      F      F       F    F        D         F    D     D",
    "appraisal_accept":  "L    F     F      F      F       F    F        D         F    D     D",
    "round_move":        "L    F     F      F      F       F    F        D         F    D     D",
    "survey_page":       "L    F     F      F      F       F    F        P         F    P     P",
    "survey_import":     "L    F     F      F      F       F    F        D         F    D     D",
}  # fmt: skip

#: The same requests once the round is published: nobody edits it any more, and it does not move
#: back (``BACKWARD[published]`` is empty).
PUBLISHED = {
    # action              anon staff staff' leader leader' dept outsider appraiser city admin super
    "rounds":            "L    P     P      P      P       P    P        P         P    P     P",
    "round":             "L    P     P      P      P       P    P        P         P    P     P",
    "self_assessment":   "L    P     F      P      F       F    F        P         P    P     P",
    "criterion_save":    "L    R     F      R      F       F    F        F         F    F     F",
    "evidence_upload":   "L    R     F      R      F       F    F        F         F    F     F",
    "evidence_download": "L    P     F      P      F       F    F        P         P    P     P",
    "evidence_remove":   "L    R     F      R      F       F    F        F         F    F     F",
    "unit_submit":       "L    F     F      R      F       F    F        F         F    F     F",
    "unit_return":       "L    F     F      F      F       F    F        R         F    R     R",
    "appraisal":         "L    F     F      F      F       F    F        P         F    P     P",
    "appraisal_save":    "L    F     F      F      F       F    F        R         F    R     R",
    "appraisal_accept":  "L    F     F      F      F       F    F        R         F    R     R",
    "round_move":        "L    F     F      F      F       F    F        R         F    R     R",
    "survey_page":       "L    F     F      F      F       F    F        P         F    P     P",
    "survey_import":     "L    F     F      F      F       F    F        R         F    R     R",
}  # fmt: skip


# --- the world the cells act on (created once per module) --------------------------------------


@dataclass
class World:
    round: Round
    units: dict[str, Unit]
    users: dict[str, AbstractBaseUser]
    evidence: Evidence


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with django_db_blocker.unblock():
        units = {
            "HN": UnitFactory(code="HN", kind=UnitKind.CITY, name_vi="Thành phố Hà Nội"),
            "SNV": UnitFactory(code="SNV", kind=UnitKind.DEPARTMENT, name_vi="Sở Nội vụ"),
            "SXD": UnitFactory(code="SXD", kind=UnitKind.DEPARTMENT, name_vi="Sở Xây dựng"),
            **{code: UnitFactory(code=code) for code in ("00001", "00002", "00009")},
        }
        round = RoundFactory(name="Matrix 2025", state=RoundState.OPEN)
        for code in ("00001", "00002", "SXD"):
            RoundUnitFactory(round=round, unit=units[code])
        values = {
            ("00001", "a1.plan"): {"self_value": 4},
            ("00001", "a1.report"): {"self_value": 6},
            ("00001", "a3.local"): {"self_value": 4},
            ("00001", "a2.satisfaction"): {"survey_value": 80},
            ("00002", "a1.plan"): {"self_value": 3},
            ("SXD", "a1.plan"): {"self_value": 2},
        }
        entries = {
            key: EntryFactory(round=round, unit=units[key[0]], leaf_id=key[1], **fields)
            for key, fields in values.items()
        }
        users = {"superuser": UserFactory(username="superuser", is_superuser=True)}
        for name, (code, role) in MEMBERSHIPS.items():
            users[name] = UserFactory(username=name)
            MembershipFactory(user=users[name], unit=units[code], role=role)
        entry = entries[("00001", "a1.plan")]
        evidence = Evidence.objects.create(
            entry=entry,
            file=f"evidence/{round.pk}/{entry.unit_id}/known.pdf",
            original_name="known.pdf",
            content_type="application/pdf",
            size=len(KNOWN_PDF),
            sha256=hashlib.sha256(KNOWN_PDF).hexdigest(),
        )
    yield World(round=round, units=units, users=users, evidence=evidence)
    with django_db_blocker.unblock():
        Evidence.objects.filter(pk=evidence.pk).delete()
        round.delete()  # with its round units and entries
        Membership.objects.filter(user__in=users.values()).delete()
        for user in users.values():
            user.delete()
        Unit.objects.filter(pk__in=[unit.pk for unit in units.values()]).delete()


@pytest.fixture
def known_file(world: World, media_root: Path) -> Path:
    """The file of the evidence already attached to 00001's a1.plan, in this test's MEDIA_ROOT."""
    path = media_root / world.evidence.file.name
    path.parent.mkdir(parents=True)
    path.write_bytes(KNOWN_PDF)
    return path


# --- the actions ------------------------------------------------------------------------------

Change = dict[tuple[str, ...], tuple[Any, Any]]


def _unit_url(name: str, *extra: str) -> Callable[[World], str]:
    return lambda world: reverse(f"assessments:{name}", args=[world.round.pk, "00001", *extra])


@dataclass(frozen=True)
class Action:
    """One request of the screens. ``state``/``submitted``: the round's state and whether 00001
    has submitted, when the action is meant to succeed (published: state ``published``, 00001
    submitted unless the action is the submission itself)."""

    method: str
    url: Callable[[World], str]
    state: RoundState
    submitted: bool = False
    data: Callable[[RoundState], Any] = field(default=lambda state: {})
    change: Callable[[RoundState], Change] = field(default=lambda state: {})
    audit: str = ""
    status: int = 302  # of a write, done or refused by the round's state
    redirect: Callable[[World], str] | None = None
    refusal: str = "Round 'Matrix 2025' is published; nobody can "  # what R cells show


SELF_ASSESSMENT = _unit_url("self_assessment")
APPRAISAL = _unit_url("appraisal")

ACTIONS = {
    "rounds": Action("get", lambda world: reverse("assessments:rounds"), RoundState.OPEN),
    "round": Action(
        "get", lambda world: reverse("assessments:round", args=[world.round.pk]), RoundState.OPEN
    ),
    "self_assessment": Action("get", SELF_ASSESSMENT, RoundState.OPEN),
    "criterion_save": Action(
        "post",
        _unit_url("criterion_save", "a1.report"),
        RoundState.OPEN,
        data=lambda state: {"a1.report-self_value": "5,5", "a1.report-comment": "Báo cáo quý"},
        change=lambda state: {
            ("entry", "00001", "a1.report", "self_value"): (6.0, 5.5),
            ("entry", "00001", "a1.report", "comment"): ("", "Báo cáo quý"),
        },
        audit="entry.set",
        redirect=lambda world: SELF_ASSESSMENT(world) + "#criterion-a1.report",
    ),
    "evidence_upload": Action(
        "post",
        _unit_url("evidence_upload", "a1.report"),
        RoundState.OPEN,
        data=lambda state: {"file": SimpleUploadedFile("proof.pdf", PDF, "application/pdf")},
        change=lambda state: {("evidence", "00001", "a1.report"): ((), ("proof.pdf",))},
        audit="evidence.add",
        redirect=lambda world: SELF_ASSESSMENT(world) + "#criterion-a1.report",
    ),
    "evidence_download": Action(
        "get",
        lambda world: reverse("assessments:evidence_download", args=[world.evidence.pk]),
        RoundState.OPEN,
    ),
    "evidence_remove": Action(
        "post",
        lambda world: reverse("assessments:evidence_remove", args=[world.evidence.pk]),
        RoundState.OPEN,
        change=lambda state: {("evidence", "00001", "a1.plan"): (("known.pdf",), ())},
        audit="evidence.remove",
        redirect=lambda world: SELF_ASSESSMENT(world) + "#criterion-a1.plan",
    ),
    "unit_submit": Action(
        "post",
        _unit_url("unit_submit"),
        RoundState.OPEN,
        change=lambda state: {("submitted", "00001"): (False, True)},
        audit="round_unit.submit",
        redirect=SELF_ASSESSMENT,
    ),
    "unit_return": Action(
        "post",
        _unit_url("unit_return"),
        RoundState.OPEN,
        submitted=True,
        data=lambda state: {"reason": "Thiếu minh chứng tiêu chí a1.plan"},
        change=lambda state: {("submitted", "00001"): (True, False)},
        audit="round_unit.return",
        redirect=SELF_ASSESSMENT,
    ),
    "appraisal": Action("get", APPRAISAL, RoundState.UNDER_APPRAISAL, submitted=True),
    "appraisal_save": Action(
        "post",
        _unit_url("appraisal_save", "a1.plan"),
        RoundState.UNDER_APPRAISAL,
        submitted=True,
        # The self-score field is not the appraiser's: sent anyway, it must change nothing.
        data=lambda state: {
            "a1.plan-appraised_value": "3",
            "a1.plan-reason": "Thiếu biên bản họp",
            "a1.plan-self_value": "0",
        },
        change=lambda state: {
            ("entry", "00001", "a1.plan", "appraised_value"): (None, 3.0),
            ("entry", "00001", "a1.plan", "appraisal_reason"): ("", "Thiếu biên bản họp"),
        },
        audit="entry.appraise",
        redirect=lambda world: APPRAISAL(world) + "#criterion-a1.plan",
    ),
    "appraisal_accept": Action(
        "post",
        _unit_url("appraisal_accept"),
        RoundState.UNDER_APPRAISAL,
        submitted=True,
        change=lambda state: {
            ("entry", "00001", "a1.plan", "appraised_value"): (None, 4.0),
            ("entry", "00001", "a1.report", "appraised_value"): (None, 6.0),
            ("entry", "00001", "a3.local", "appraised_value"): (None, 4.0),
        },
        audit="entry.accept_matching",
        redirect=APPRAISAL,
    ),
    "round_move": Action(
        "post",
        lambda world: reverse("assessments:round_move", args=[world.round.pk]),
        RoundState.OPEN,
        data=lambda state: (
            {"to": "appraised", "reason": "Sai sót khi cộng điểm"}
            if state == RoundState.PUBLISHED
            else {"to": "submitted"}
        ),
        change=lambda state: {("round", "state"): ("open", "submitted")},
        audit="round.transition",
        refusal="Round 'Matrix 2025' cannot move from published to appraised (allowed: none).",
        redirect=lambda world: reverse("assessments:round", args=[world.round.pk]),
    ),
    "survey_page": Action(
        "get",
        lambda world: reverse("assessments:survey_import", args=[world.round.pk]),
        RoundState.UNDER_APPRAISAL,
        submitted=True,
    ),
    "survey_import": Action(
        "post",
        lambda world: reverse("assessments:survey_import", args=[world.round.pk]),
        RoundState.UNDER_APPRAISAL,
        submitted=True,
        data=lambda state: {
            "file": SimpleUploadedFile("survey.csv", b"unit,a2.satisfaction\n00001,5\n", "text/csv")
        },
        change=lambda state: {("entry", "00001", "a2.satisfaction", "survey_value"): (80.0, 5.0)},
        audit="entry.survey_import",
        redirect=lambda world: reverse("assessments:round", args=[world.round.pk]),
    ),
}

# --- what the database holds ------------------------------------------------------------------

ENTRY_FIELDS = (
    "self_value",
    "appraised_value",
    "survey_value",
    "data_value",
    "not_applicable",
    "comment",
    "appraisal_reason",
)


def snapshot(world: World) -> dict[tuple[str, ...], Any]:
    """Everything a screen could change, keyed for a readable diff."""
    round = Round.objects.get(pk=world.round.pk)
    state: dict[tuple[str, ...], Any] = {("round", "state"): round.state}
    for code, submitted_at in RoundUnit.objects.filter(round=round).values_list(
        "unit__code", "submitted_at"
    ):
        state[("submitted", code)] = submitted_at is not None
    for entry in Entry.objects.filter(round=round).select_related("unit"):
        key = (entry.unit.code, entry.leaf_id)
        for name in ENTRY_FIELDS:
            state[("entry", *key, name)] = getattr(entry, name)
        state[("evidence", *key)] = ()
    for code, leaf_id, name in Evidence.objects.filter(entry__round=round).values_list(
        "entry__unit__code", "entry__leaf_id", "original_name"
    ):
        state[("evidence", code, leaf_id)] += (name,)
    return state


def difference(before: dict[tuple[str, ...], Any], after: dict[tuple[str, ...], Any]) -> Change:
    keys = before.keys() | after.keys()
    return {
        key: (before.get(key), after.get(key)) for key in keys if before.get(key) != after.get(key)
    }


def prepare(world: World, state: RoundState, *, submitted: bool) -> None:
    Round.objects.filter(pk=world.round.pk).update(state=state)
    RoundUnit.objects.filter(round=world.round, unit__code="00001").update(
        submitted_at=timezone.now() if submitted else None,
        submitted_by=world.users["leader_own"] if submitted else None,
    )


def _cells() -> Iterator[Any]:
    for situation, table in (("at_work", AT_WORK), ("published", PUBLISHED)):
        assert table.keys() == ACTIONS.keys()
        for action, row in table.items():
            expected = row.split()
            assert len(expected) == len(ACTORS), action
            for actor, outcome in zip(ACTORS, expected, strict=True):
                yield pytest.param(
                    situation, action, actor, outcome, id=f"{situation}-{action}-{actor}-{outcome}"
                )


@pytest.mark.django_db
@pytest.mark.parametrize(("situation", "action_name", "actor", "outcome"), list(_cells()))
def test_authorization_matrix(
    world: World,
    known_file: Path,
    situation: str,
    action_name: str,
    actor: str,
    outcome: str,
) -> None:
    action = ACTIONS[action_name]
    published = situation == "published"
    state = RoundState.PUBLISHED if published else action.state
    prepare(
        world, state, submitted=action.submitted or (published and action_name != "unit_submit")
    )
    client = Client(headers={"Accept-Language": "en"})
    if actor != "anonymous":
        client.force_login(world.users[actor])
    url = action.url(world)
    before, last_audit = snapshot(world), AuditRecord.objects.order_by("-pk").first()
    since = last_audit.pk if last_audit else 0

    response = getattr(client, action.method)(url, action.data(state))

    audit = list(
        AuditRecord.objects.filter(pk__gt=since).order_by("pk").values_list("action", "actor_label")
    )
    changed = difference(before, snapshot(world))
    templates = [template.name for template in response.templates]
    if outcome == "D":
        assert response.status_code == action.status
        assert action.redirect is not None and response.url == action.redirect(world)
        assert changed == action.change(state)
        assert audit == [(action.audit, world.users[actor].get_username())]
        return
    assert (changed, audit) == ({}, [])
    if outcome == "L":
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={url}"
    elif outcome == "P":
        assert response.status_code == 200
        if action_name == "evidence_download":
            assert b"".join(response.streaming_content) == KNOWN_PDF
    elif outcome == "F":
        assert response.status_code == 403
        assert "403.html" in templates
    elif outcome == "N":
        assert response.status_code == 404
        assert "404.html" in templates
    elif outcome == "R":
        assert response.status_code == (200 if action_name == "survey_import" else 302)
        shown = [str(message) for message in get_messages(response.wsgi_request)]
        if response.status_code == 200:
            shown += [str(problem) for problem in response.context["problems"]]
        assert any(action.refusal in text for text in shown), shown
    else:
        raise AssertionError(f"unknown outcome {outcome!r}")
