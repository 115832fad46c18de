"""The assessment screens as a clerk, a leader and an appraiser use them (issue 3, items 3 and 4):
save as you go, the appraisal side by side, the survey import, signing in, and query counts."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from govindex.assessments.models import Entry, Evidence, Round, RoundState, RoundUnit
from govindex.assessments.selectors import Progress
from govindex.assessments.services import entry_set_survey_many
from govindex.audit.models import AuditRecord
from govindex.orgs.models import Role, UnitKind
from tests.assessments.conftest import FRAMEWORKS, MiniRound
from tests.factories import (
    EntryFactory,
    MembershipFactory,
    RoundFactory,
    RoundUnitFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def member(name: str, code: str, role: str) -> Any:
    user = UserFactory(username=name)
    MembershipFactory(user=user, unit=UnitFactory(code=code), role=role)
    return user


def shown_messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def entry(mini: MiniRound, code: str, leaf_id: str) -> Entry:
    return Entry.objects.get(round=mini.round, unit__code=code, leaf_id=leaf_id)


@pytest.fixture
def open_round(mini_round: MiniRound) -> MiniRound:
    Round.objects.filter(pk=mini_round.round.pk).update(state=RoundState.OPEN)
    return mini_round


@pytest.fixture
def clerk(open_round: MiniRound) -> Any:
    """Staff of ward 00005, which has entered nothing yet."""
    return member("clerk", "00005", Role.STAFF)


@pytest.fixture
def appraiser(db: None) -> Any:
    return member("appraiser", "SNV", Role.APPRAISER)


# --- the self-assessment screen ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "done", "total", "missing"),
    [
        ("00005", 0, 3, ("a1.plan", "a1.report", "a3.local")),
        ("00001", 3, 3, ()),
        ("SXD", 2, 2, ()),  # a1.report is not applicable; a3 is for wards and communes only
    ],
)
def test_the_screen_shows_each_criterion_and_the_progress(
    code, done, total, missing, open_round, appraiser, client_for
):
    response = client_for(appraiser).get(
        reverse("assessments:self_assessment", args=[open_round.round.pk, code])
    )

    assert response.status_code == 200
    assert response.context["progress"] == Progress(done=done, total=total, missing=missing)
    html = response.content.decode()
    assert f"{done} of {total} criteria done" in html
    shown = [row.node.id for _, rows in response.context["areas"] for row in rows]
    expected = ["a1.plan", "a1.report", "a2.satisfaction", "a2.online", "a3.local"]
    assert shown == (expected[:4] if code == "SXD" else expected)
    assert [area.id for area, _ in response.context["areas"]] == (
        ["a1", "a2"] if code == "SXD" else ["a1", "a2", "a3"]
    )
    assert "Maximum 4</span>" in html  # a1.plan
    assert "Scored from survey data, not by the unit." in html


def test_a_clerk_saves_a_criterion_with_htmx_and_gets_the_row_and_the_progress_back(
    open_round, clerk, client_for
):
    round = open_round.round
    client = client_for(clerk)
    url = reverse("assessments:criterion_save", args=[round.pk, "00005", "a1.plan"])

    response = client.post(
        url, {"a1.plan-self_value": "3,5", "a1.plan-comment": " Kế hoạch số 12/KH "}, headers=HTMX
    )

    assert response.status_code == 200
    assert response.templates[0].name == "assessments/_criterion_saved.html"
    html = response.content.decode()
    # The criterion's status and the progress bar, not the fields the clerk may be typing in.
    assert '<div class="criterion-status" data-done="true">' in html
    assert '<p class="form-saved" role="status">Saved</p>' in html
    assert "<input" not in html and "<textarea" not in html
    assert '<div id="self-assessment-progress" class="progress-box" hx-swap-oob="true"' in html
    assert "1 of 3 criteria done" in html
    stored = entry(open_round, "00005", "a1.plan")
    assert (stored.self_value, stored.comment, stored.not_applicable) == (
        3.5,
        "Kế hoạch số 12/KH",
        False,
    )
    record = AuditRecord.objects.get()
    assert (record.action, record.actor_label, record.before, record.after) == (
        "entry.set",
        "clerk",
        None,
        {
            "unit": "00005",
            "leaf_id": "a1.plan",
            "self_value": 3.5,
            "not_applicable": False,
            "comment": "Kế hoạch số 12/KH",
        },
    )

    reloaded = client.get(reverse("assessments:self_assessment", args=[round.pk, "00005"]))

    page = reloaded.content.decode()
    assert 'name="a1.plan-self_value" id="id_a1.plan-self_value" value="3.5"' in page
    assert "Kế hoạch số 12/KH</textarea>" in page
    assert reloaded.context["progress"].done == 1


def test_saving_the_same_values_twice_records_one_change(open_round, clerk, client_for):
    url = reverse("assessments:criterion_save", args=[open_round.round.pk, "00005", "a1.plan"])
    client = client_for(clerk)

    for _ in range(2):
        assert client.post(url, {"a1.plan-self_value": "2"}, headers=HTMX).status_code == 200

    assert entry(open_round, "00005", "a1.plan").self_value == 2.0
    assert AuditRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "“abc” is not a number of points."),
        ("4,5", "At most 4 on this criterion."),
        ("-1", "Points cannot be negative."),
        ("nan", "Enter a finite number of points."),
        ("1" * 21, "Enter a number of points, not text."),
    ],
)
def test_a_bad_value_shows_the_message_and_stores_nothing(
    typed, message, open_round, clerk, client_for
):
    url = reverse("assessments:criterion_save", args=[open_round.round.pk, "00005", "a1.plan"])

    response = client_for(clerk).post(url, {"a1.plan-self_value": typed}, headers=HTMX)

    assert response.status_code == 200
    assert response.context["row"].error == message
    html = response.content.decode()
    assert f'<p class="form-error" role="alert">{message}</p>' in html
    # Only the status comes back: what was typed stays in the field, to be corrected.
    assert "<input" not in html
    assert "0 of 3 criteria done" in html
    assert not Entry.objects.filter(unit__code="00005").exists()
    assert not AuditRecord.objects.exists()


def test_without_javascript_a_bad_value_comes_back_as_a_message(open_round, clerk, client_for):
    round = open_round.round
    url = reverse("assessments:criterion_save", args=[round.pk, "00005", "a1.plan"])

    response = client_for(clerk).post(url, {"a1.plan-self_value": "abc"})

    assert response.status_code == 302
    assert response.url == (
        reverse("assessments:self_assessment", args=[round.pk, "00005"]) + "#criterion-a1.plan"
    )
    assert shown_messages(response) == ["“abc” is not a number of points."]
    assert not Entry.objects.filter(unit__code="00005").exists()


def test_not_applicable_clears_the_points_and_counts_as_done(open_round, clerk, client_for):
    url = reverse("assessments:criterion_save", args=[open_round.round.pk, "00005", "a3.local"])

    response = client_for(clerk).post(
        url,
        {"a3.local-self_value": "2", "a3.local-not_applicable": "on", "a3.local-comment": "x"},
        headers=HTMX,
    )

    stored = entry(open_round, "00005", "a3.local")
    assert (stored.self_value, stored.not_applicable) == (None, True)
    assert "1 of 3 criteria done" in response.content.decode()


def test_a_criterion_not_scored_by_the_unit_cannot_be_saved(open_round, clerk, client_for):
    url = reverse(
        "assessments:criterion_save", args=[open_round.round.pk, "00005", "a2.satisfaction"]
    )
    response = client_for(clerk).post(url, {"a2.satisfaction-self_value": "6"}, headers=HTMX)
    assert response.status_code == 403
    assert not Entry.objects.filter(unit__code="00005").exists()


def test_a_criterion_that_does_not_apply_to_the_unit_is_not_found(open_round, client_for):
    staff = member("sxd-staff", "SXD", Role.STAFF)
    url = reverse("assessments:criterion_save", args=[open_round.round.pk, "SXD", "a3.local"])
    response = client_for(staff).post(url, {"a3.local-self_value": "1"}, headers=HTMX)
    assert response.status_code == 404
    assert not Entry.objects.filter(unit__code="SXD", leaf_id="a3.local").exists()


def test_after_submitting_the_screen_is_read_only_and_a_save_is_refused(open_round, client_for):
    round = open_round.round
    leader = member("leader", "00001", Role.LEADER)
    client = client_for(leader)

    submitted = client.post(reverse("assessments:unit_submit", args=[round.pk, "00001"]))
    page = client.get(reverse("assessments:self_assessment", args=[round.pk, "00001"]))
    refused = client.post(
        reverse("assessments:criterion_save", args=[round.pk, "00001", "a1.plan"]),
        {"a1.plan-self_value": "1"},
        headers=HTMX,
    )

    assert shown_messages(submitted) == ["Self-assessment submitted."]
    assert page.context["editable"] is False
    assert 'class="criterion-form"' not in page.content.decode()
    assert refused.context["row"].error == (
        "00001 has submitted its self-assessment for 'Mini 2025'; ask an appraiser to return it "
        "before you change it."
    )
    assert 'class="criterion-form"' not in refused.content.decode()  # no form to retry in vain
    assert entry(open_round, "00001", "a1.plan").self_value == 4.0


@pytest.mark.parametrize("reader", ["city_leader", "appraiser"])
def test_city_leaders_and_appraisers_read_a_self_assessment_without_forms(
    reader, open_round, client_for
):
    user = member(reader, "HN", Role.CITY_LEADER if reader == "city_leader" else Role.APPRAISER)

    response = client_for(user).get(
        reverse("assessments:self_assessment", args=[open_round.round.pk, "00001"])
    )

    html = response.content.decode()
    assert (response.context["editable"], response.context["can_submit"]) == (False, False)
    assert 'class="criterion-form"' not in html
    assert 'class="evidence-form"' not in html
    assert "only the unit's own staff and leader can change it." in html


def test_unit_people_see_their_own_units_and_rounds_only(open_round, clerk, appraiser, client_for):
    RoundFactory(name="Draft 2026", period="2026", state=RoundState.DRAFT)
    other = RoundFactory(name="Other 2025", period="other", state=RoundState.OPEN)
    RoundUnitFactory(round=other, unit=UnitFactory(code="00099"))
    client = client_for(clerk)

    rounds = client.get(reverse("assessments:rounds"))
    page = client.get(reverse("assessments:round", args=[open_round.round.pk]))
    hidden = client.get(reverse("assessments:round", args=[other.pk]))
    everything = client_for(appraiser).get(reverse("assessments:round", args=[open_round.round.pk]))

    assert [
        (round.name, [link.unit.code for link in own]) for round, own in rounds.context["rounds"]
    ] == [("Mini 2025", ["00005"])]
    assert [row.link.unit.code for row in page.context["table"]] == ["00005"]
    assert hidden.status_code == 404
    assert [row.link.unit.code for row in everything.context["table"]] == [
        "00001",
        "00002",
        "00003",
        "00005",
        "SXD",
    ]


POST_ONLY = [
    ("criterion_save", ["00001", "a1.plan"]),
    ("evidence_upload", ["00001", "a1.plan"]),
    ("unit_submit", ["00001"]),
    ("unit_return", ["00001"]),
    ("appraisal_save", ["00001", "a1.plan"]),
    ("appraisal_accept", ["00001"]),
    ("round_move", []),
]


@pytest.mark.parametrize(("name", "args"), POST_ONLY, ids=[name for name, _ in POST_ONLY])
def test_a_write_is_never_done_by_a_get(name, args, open_round, client_for):
    superuser = UserFactory(username="root", is_superuser=True)
    response = client_for(superuser).get(
        reverse(f"assessments:{name}", args=[open_round.round.pk, *args])
    )
    assert response.status_code == 405
    assert not AuditRecord.objects.exists()


# --- the appraisal screen ---------------------------------------------------------------------


@pytest.fixture
def under_appraisal(mini_round: MiniRound) -> MiniRound:
    Round.objects.filter(pk=mini_round.round.pk).update(state=RoundState.UNDER_APPRAISAL)
    return mini_round


def appraisal_url(mini: MiniRound, code: str, leaf_id: str | None = None) -> str:
    if leaf_id is None:
        return reverse("assessments:appraisal", args=[mini.round.pk, code])
    return reverse("assessments:appraisal_save", args=[mini.round.pk, code, leaf_id])


def test_the_appraisal_screen_puts_self_score_evidence_and_appraisal_side_by_side(
    under_appraisal, appraiser, client_for
):
    response = client_for(appraiser).get(appraisal_url(under_appraisal, "00002"))

    rows = response.context["rows"]
    assert [
        (row.node.id, row.status, row.entry.self_value, row.entry.appraised_value) for row in rows
    ] == [
        ("a1.plan", "adjusted", 4.0, 3.0),
        ("a1.report", "pending", 6.0, None),
        ("a2.satisfaction", "survey", None, None),
        ("a3.local", "pending", 2.5, None),
    ]
    assert response.context["summary"] == {
        "accepted": 0,
        "adjusted": 1,
        "pending": 2,
        "not_applicable": 0,
        "empty": 0,
        "points_changed": -1.0,
    }
    assert [row.node.id for row in response.context["changes"]] == ["a1.plan"]
    html = response.content.decode()
    assert "Accept the 2 remaining self-scores as they are" in html
    assert '<tr id="criterion-a2.online"' not in html  # system data: nothing to appraise


def test_an_adjustment_without_a_reason_is_refused_with_the_message(
    under_appraisal, appraiser, client_for
):
    response = client_for(appraiser).post(
        appraisal_url(under_appraisal, "00002", "a1.report"),
        {"a1.report-appraised_value": "5", "a1.report-reason": "  "},
        headers=HTMX,
    )

    assert response.status_code == 200
    message = "“Reports” of 00002: give the reason for scoring 5 instead of the self-assessed 6."
    assert response.context["row"].error == message
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert 'value="5"' in response.content.decode()  # the typed score stays for the reason
    assert entry(under_appraisal, "00002", "a1.report").appraised_value is None
    assert not AuditRecord.objects.exists()


def test_an_adjustment_with_a_reason_is_stored_and_counted(under_appraisal, appraiser, client_for):
    client = client_for(appraiser)

    saved = client.post(
        appraisal_url(under_appraisal, "00002", "a1.report"),
        {"a1.report-appraised_value": "4,5", "a1.report-reason": "Thiếu báo cáo quý III"},
        headers=HTMX,
    )
    same = client.post(
        appraisal_url(under_appraisal, "00002", "a3.local"),
        {"a3.local-appraised_value": "2.5", "a3.local-reason": ""},
        headers=HTMX,
    )
    page = client.get(appraisal_url(under_appraisal, "00002"))

    assert saved.context["row"].status == "adjusted"
    assert same.context["row"].status == "accepted"
    stored = entry(under_appraisal, "00002", "a1.report")
    assert (stored.self_value, stored.appraised_value, stored.appraisal_reason) == (
        6.0,
        4.5,
        "Thiếu báo cáo quý III",
    )
    assert page.context["summary"] == {
        "accepted": 1,
        "adjusted": 2,
        "pending": 0,
        "not_applicable": 0,
        "empty": 0,
        "points_changed": -2.5,
    }
    assert list(AuditRecord.objects.order_by("pk").values_list("action", "reason")) == [
        ("entry.appraise", "Thiếu báo cáo quý III"),
        ("entry.appraise", ""),
    ]


def test_accept_all_takes_every_self_score_not_appraised_yet(
    under_appraisal, appraiser, client_for
):
    response = client_for(appraiser).post(
        reverse("assessments:appraisal_accept", args=[under_appraisal.round.pk, "00002"])
    )

    assert response.status_code == 302
    assert shown_messages(response) == ["2 self-scores accepted."]
    values = dict(
        Entry.objects.filter(unit__code="00002").values_list("leaf_id", "appraised_value")
    )
    assert values == {
        "a1.plan": 3.0,  # appraised before: kept
        "a1.report": 6.0,
        "a2.satisfaction": None,
        "a2.online": None,
        "a3.local": 2.5,
    }
    record = AuditRecord.objects.get()
    assert (record.action, record.actor_label, record.after) == (
        "entry.accept_matching",
        "appraiser",
        {"unit": "00002", "accepted": ["a1.report", "a3.local"]},
    )


def test_survey_points_are_entered_on_the_appraisal_screen_as_a_percentage(
    under_appraisal, appraiser, client_for
):
    response = client_for(appraiser).post(
        appraisal_url(under_appraisal, "00002", "a2.satisfaction"),
        {"a2.satisfaction-survey_value": "72,5"},
        headers=HTMX,
    )

    assert response.context["row"].error == ""
    assert entry(under_appraisal, "00002", "a2.satisfaction").survey_value == 72.5
    assert AuditRecord.objects.get().action == "entry.set"


def test_before_appraisal_only_survey_points_can_be_entered(mini_round, appraiser, client_for):
    Round.objects.filter(pk=mini_round.round.pk).update(state=RoundState.SUBMITTED)
    client = client_for(appraiser)

    page = client.get(appraisal_url(mini_round, "00002"))
    survey = client.post(
        appraisal_url(mini_round, "00002", "a2.satisfaction"),
        {"a2.satisfaction-survey_value": "65"},
        headers=HTMX,
    )
    appraised = client.post(
        appraisal_url(mini_round, "00002", "a1.report"),
        {"a1.report-appraised_value": "6"},
        headers=HTMX,
    )

    html = page.content.decode()
    assert 'name="a2.satisfaction-survey_value"' in html
    assert 'name="a1.report-appraised_value"' not in html
    assert "appraised scores can be changed only while it is under appraisal." in html
    assert 'name="a2.satisfaction-survey_value"' in survey.content.decode()
    assert appraised.context["row"].error == (
        "Round 'Mini 2025' is submitted; you can appraise a score only while it is under appraisal."
    )
    assert 'name="a1.report-appraised_value"' not in appraised.content.decode()
    assert entry(mini_round, "00002", "a2.satisfaction").survey_value == 65.0
    assert entry(mini_round, "00002", "a1.report").appraised_value is None


def test_nothing_to_appraise_where_the_unit_entered_nothing(under_appraisal, appraiser, client_for):
    response = client_for(appraiser).post(
        appraisal_url(under_appraisal, "00005", "a1.plan"),
        {"a1.plan-appraised_value": "1", "a1.plan-reason": "x"},
        headers=HTMX,
    )

    assert response.context["row"].error == (
        "The unit entered nothing on this criterion; there is nothing to appraise."
    )
    assert not Entry.objects.filter(unit__code="00005").exists()


def test_system_data_is_not_appraised(under_appraisal, appraiser, client_for):
    response = client_for(appraiser).post(
        appraisal_url(under_appraisal, "00002", "a2.online"),
        {"a2.online-appraised_value": "1", "a2.online-data_value": "1"},
    )
    assert response.status_code == 403
    assert entry(under_appraisal, "00002", "a2.online").data_value == 50.0


# --- survey import ----------------------------------------------------------------------------


def survey_url(mini: MiniRound) -> str:
    return reverse("assessments:survey_import", args=[mini.round.pk])


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def survey_values(mini: MiniRound) -> dict[str, float | None]:
    return dict(
        Entry.objects.filter(round=mini.round, leaf_id="a2.satisfaction").values_list(
            "unit__code", "survey_value"
        )
    )


BEFORE = {"00001": 80.0, "00002": 60.0, "00003": 80.0, "SXD": 40.0}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        # Excel in Vietnamese saves CSV with semicolons and decimal commas.
        ("khao-sat.csv", b"unit;a2.satisfaction\n00001;85\n00002;\n00005;72,5\n"),
        ("khao-sat.xlsx", xlsx([["unit", "a2.satisfaction"], ["00001", 85], ["00002", None],
                                ["00005", 72.5]])),
    ],
    ids=["csv", "xlsx"],
)  # fmt: skip
def test_survey_points_are_imported_from_csv_or_xlsx(
    name, content, mini_round, appraiser, client_for
):
    client = client_for(appraiser)

    response = client.post(survey_url(mini_round), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 302
    assert response.url == reverse("assessments:round", args=[mini_round.round.pk])
    assert shown_messages(response) == ["2 survey values stored."]
    assert survey_values(mini_round) == {**BEFORE, "00001": 85.0, "00005": 72.5}
    record = AuditRecord.objects.get()
    assert (record.action, record.actor_label, record.after) == (
        "entry.survey_import",
        "appraiser",
        {"values": 2, "units": 2, "source": name},
    )

    again = client.post(survey_url(mini_round), {"file": SimpleUploadedFile(name, content)})

    assert shown_messages(again)[-1] == "2 survey values stored."
    assert survey_values(mini_round) == {**BEFORE, "00001": 85.0, "00005": 72.5}
    assert Entry.objects.filter(round=mini_round.round).count() == 20


def test_a_file_with_bad_rows_lists_each_problem_and_stores_nothing(
    mini_round, appraiser, client_for
):
    content = (
        b"unit,a2.satisfaction\n00001,85\n00002,abc\n99999,50\n00003,120\n\n00001,70\n00005,nan\n"
    )

    response = client_for(appraiser).post(
        survey_url(mini_round), {"file": SimpleUploadedFile("khao-sat.csv", content)}
    )

    assert response.status_code == 200
    assert response.context["problems"] == [
        "Row 3, column a2.satisfaction: “abc” is not a number.",
        "Row 4, column unit: “99999” is not a unit of round 'Mini 2025'.",
        "Row 5, column a2.satisfaction: 120 is outside 0–100.",
        "Row 7: unit 00001 already appears in row 2.",
        "Row 8, column a2.satisfaction: “nan” is not a number.",
    ]
    assert "5 problems — nothing was stored" in response.content.decode()
    assert survey_values(mini_round) == BEFORE
    assert not AuditRecord.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "problems"),
    [
        ("a.csv", b"code,a2.satisfaction\n00001,5\n",
         ["Row 1: the header needs a column named “unit” (unit codes).",
          "Row 1: code are not survey criteria of test-mini; expected some of: a2.satisfaction."]),
        ("a.csv", b"unit,a1.plan,a2.satisfaction\n00001,5,5\n",
         ["Row 1: a1.plan are not survey criteria of test-mini; expected some of: "
          "a2.satisfaction."]),
        ("a.csv", b"unit,a2.satisfaction,a2.satisfaction\n00001,5,50\n",
         ["Row 1: a2.satisfaction appears in more than one column."]),
        ("ket-qua.pdf", b"%PDF-1.4",
         ["ket-qua.pdf: unsupported file type '.pdf' (expected .csv or .xlsx)"]),
        ("ket-qua.xlsx", b"not a workbook", None),
    ],
    ids=["no-unit-column", "not-a-survey-criterion", "column-twice", "pdf", "broken-xlsx"],
)  # fmt: skip
def test_a_file_that_cannot_be_read_says_why(
    name, content, problems, mini_round, appraiser, client_for
):
    response = client_for(appraiser).post(
        survey_url(mini_round), {"file": SimpleUploadedFile(name, content)}
    )

    assert response.status_code == 200
    if problems is None:
        [problem] = response.context["problems"]
        assert problem.startswith("ket-qua.xlsx: not a readable XLSX workbook (")
    else:
        assert response.context["problems"] == problems
    assert survey_values(mini_round) == BEFORE


def test_a_negative_value_on_a_normalised_survey_criterion_is_a_problem(
    mini_round, appraiser, settings, tmp_path
):
    framework = yaml.safe_load((FRAMEWORKS / "test-mini.yaml").read_text())
    leaf = framework["children"][1]["children"][0]
    leaf.update(rule="normalised", normalisation={"method": "min_max"})
    del leaf["threshold"]
    (tmp_path / "test-mini.yaml").write_text(yaml.safe_dump(framework, allow_unicode=True))
    settings.GOVINDEX_FRAMEWORKS_DIR = tmp_path

    with pytest.raises(ValidationError) as raised:
        entry_set_survey_many(
            round=mini_round.round,
            values={(mini_round.units["00001"], "a2.satisfaction"): -5.0},
            actor=appraiser,
            source="api",
        )
    [message] = raised.value.messages
    assert message == "00001 / a2.satisfaction: -5 is negative."


def test_a_post_without_a_file_asks_for_one(mini_round, appraiser, client_for):
    response = client_for(appraiser).post(survey_url(mini_round), {})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["This field is required."]}


# --- signing in -------------------------------------------------------------------------------


@pytest.fixture
def clerk_with_password(db: None, settings: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = member("thu.nguyen", "00070", Role.STAFF)
    user.set_password("Mật-khẩu-đúng-2025")
    user.save()
    return user


def test_the_sign_in_form_needs_its_csrf_token(clerk_with_password):
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    url = reverse("login")
    credentials = {"username": "thu.nguyen", "password": "Mật-khẩu-đúng-2025"}

    forged = client.post(url, credentials)
    form = client.get(url)
    token = form.cookies["csrftoken"].value
    signed_in = client.post(url, {**credentials, "csrfmiddlewaretoken": token})

    assert forged.status_code == 403
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    assert signed_in.status_code == 302
    assert signed_in.url == reverse("assessments:rounds")
    assert int(client.session["_auth_user_id"]) == clerk_with_password.pk


def test_a_save_without_the_csrf_token_is_refused(open_round, clerk):
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "en"})
    client.force_login(clerk)
    page = client.get(reverse("assessments:self_assessment", args=[open_round.round.pk, "00005"]))
    url = reverse("assessments:criterion_save", args=[open_round.round.pk, "00005", "a1.plan"])

    forged = client.post(url, {"a1.plan-self_value": "2"}, headers=HTMX)
    assert forged.status_code == 403
    assert not Entry.objects.filter(unit__code="00005").exists()

    # htmx sends the token in a header, from the page's hx-headers.
    token = page.cookies["csrftoken"].value
    assert 'hx-headers=\'{"X-CSRFToken": "' in page.content.decode()
    saved = client.post(url, {"a1.plan-self_value": "2"}, headers={**HTMX, "X-CSRFToken": token})
    assert saved.status_code == 200
    assert entry(open_round, "00005", "a1.plan").self_value == 2.0


TEMPLATES = Path(__file__).resolve().parents[2] / "govindex"


def test_every_form_posts_and_carries_the_csrf_token():
    paths = [
        *sorted((TEMPLATES / "assessments/templates/assessments").glob("*.html")),
        TEMPLATES / "templates/registration/login.html",
    ]
    forms = [
        (path.name, form)
        for path in paths
        for form in re.findall(r"<form\b[^>]*>.*?</form>", path.read_text(), flags=re.DOTALL)
    ]

    assert [name for name, _ in forms] == [
        "_appraisal_row.html",
        "_criterion.html",
        "_criterion.html",
        "_criterion.html",
        "appraisal.html",
        "round.html",
        "round.html",
        "self_assessment.html",
        "self_assessment.html",
        "survey_import.html",
        "login.html",
    ]
    assert [name for name, form in forms if 'method="post"' not in form] == []
    assert [name for name, form in forms if "{% csrf_token %}" not in form] == []


def sign_in(client: Client, password: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        reverse("login"),
        {"username": "thu.nguyen", "password": password},
        REMOTE_ADDR=address,
    )


def test_five_failed_sign_ins_lock_the_name_at_that_address(clerk_with_password, client_for):
    client = client_for(None)

    failures = [sign_in(client, f"sai-{n}") for n in range(4)]
    fifth = sign_in(client, "sai-5")
    right_password = sign_in(client, "Mật-khẩu-đúng-2025")
    elsewhere = sign_in(client_for(None), "Mật-khẩu-đúng-2025", address="10.0.0.2")

    assert [response.status_code for response in failures] == [200, 200, 200, 200]
    assert "The user name or the password is wrong." in failures[0].content.decode()
    for locked in (fifth, right_password):
        assert locked.status_code == 429
        assert "registration/locked_out.html" in [t.name for t in locked.templates]
        assert "Signing in is blocked for now" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert elsewhere.status_code == 302  # the lock is for this name at that address only


def test_a_successful_sign_in_clears_the_failures(clerk_with_password, client_for):
    client = client_for(None)
    for n in range(4):
        sign_in(client, f"sai-{n}")
    assert sign_in(client, "Mật-khẩu-đúng-2025").status_code == 302
    client.logout()
    for n in range(4):
        assert sign_in(client, f"sai-{n}").status_code == 200
    assert sign_in(client, "Mật-khẩu-đúng-2025").status_code == 302


# --- query counts -----------------------------------------------------------------------------


def wide_framework(folder: Path, leaves_per_area: int) -> None:
    """``test-mini`` with ``leaves_per_area`` self-assessed criteria in each of 3 areas."""
    mini = yaml.safe_load((FRAMEWORKS / "test-mini.yaml").read_text())
    for area in mini["children"]:
        name = area["children"][0]["name"]
        area["children"] = [
            {"id": f"{area['id']}.c{n}", "name": name, "max": 1, "rule": "points",
             "source": "self_assessed"}
            for n in range(leaves_per_area)
        ]  # fmt: skip
        area["children"][0]["source"] = "survey" if area["id"] == "a2" else "self_assessed"
        area["max"] = leaves_per_area
    mini["max"] = 3 * leaves_per_area
    (folder / "test-mini.yaml").write_text(yaml.safe_dump(mini, allow_unicode=True))


def populate(round: Round, *, units: int, files: int, leaf_ids: list[str]) -> None:
    for n in range(units):
        unit = UnitFactory(code=f"{70000 + n}", kind=UnitKind.WARD)
        link = RoundUnitFactory(round=round, unit=unit)
        rows = Entry.objects.bulk_create(
            EntryFactory.build(round=round, unit=unit, leaf_id=leaf_id, self_value=1)
            for leaf_id in leaf_ids
        )
        Evidence.objects.bulk_create(
            Evidence(
                entry=row, file=f"evidence/{k}.pdf", original_name=f"{k}.pdf",
                content_type="application/pdf", size=10, sha256=f"{k:064d}",
            )
            for row in rows
            for k in range(files)
        )  # fmt: skip
        if n % 2:
            RoundUnit.objects.filter(pk=link.pk).update(submitted_at="2025-11-01T00:00:00Z")


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


#: Queries of each page, whatever the number of units, criteria and files: the session and the
#: user (2), the person's roles (1, read once per request by ``RoleMemoryMiddleware``), then the
#: page's own reads.
QUERIES = {"round": 8, "self_assessment": 8, "appraisal": 7}

PAGES: dict[str, Callable[[Round, str], str]] = {
    "round": lambda round, code: reverse("assessments:round", args=[round.pk]),
    "self_assessment": lambda round, code: reverse(
        "assessments:self_assessment", args=[round.pk, code]
    ),
    "appraisal": lambda round, code: reverse("assessments:appraisal", args=[round.pk, code]),
}


@pytest.mark.parametrize("page", PAGES)
def test_the_pages_take_the_same_queries_for_a_big_round_as_for_a_small_one(
    page, appraiser, client_for, settings, tmp_path, django_assert_max_num_queries
):
    client = client_for(appraiser)
    counts = []
    for size, (units, leaves, files) in enumerate(((2, 1, 1), (30, 12, 3))):
        folder = tmp_path / str(size)
        folder.mkdir()
        wide_framework(folder, leaves)
        settings.GOVINDEX_FRAMEWORKS_DIR = folder
        round = RoundFactory(state=RoundState.UNDER_APPRAISAL, period=f"size-{size}")
        leaf_ids = [f"{area}.c{n}" for area in ("a1", "a3") for n in range(leaves)]
        populate(round, units=units, files=files, leaf_ids=leaf_ids)
        counts.append(count_queries(client, PAGES[page](round, "70000")))

    assert counts == [QUERIES[page], QUERIES[page]]
    with django_assert_max_num_queries(QUERIES[page]):
        client.get(PAGES[page](round, "70001"))  # a submitted unit of the big round
