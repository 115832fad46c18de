from __future__ import annotations

import pytest
from django.urls import reverse

from govindex.assessments.models import Entry, Round, RoundState, UnitResult
from govindex.assessments.services import round_compute
from govindex.audit.models import AuditRecord
from tests.factories import PublishedResultFactory, UnitFactory

pytestmark = pytest.mark.django_db


def run_action(client, round, action):
    return client.post(
        reverse("admin:assessments_round_changelist"),
        {"action": action, "_selected_action": [round.pk]},
        follow=True,
    )


def test_the_compute_scores_action(admin_client, mini_round):
    response = run_action(admin_client, mini_round.round, "compute_scores")

    assert response.status_code == 200
    assert "Mini 2025: 4 unit(s) scored." in response.text
    assert UnitResult.objects.filter(round=mini_round.round).count() == 5
    assert AuditRecord.objects.get(action="round.compute").actor_label == "admin"


def test_a_failed_computation_is_reported_not_raised(admin_client, mini_round):
    Round.objects.filter(pk=mini_round.round.pk).update(framework_version="1999")

    response = run_action(admin_client, mini_round.round, "compute_scores")

    assert response.status_code == 200
    assert "uses version &#x27;1999&#x27;" in response.text
    assert not UnitResult.objects.exists()


def test_state_actions_move_the_round(admin_client, mini_round):
    run_action(admin_client, mini_round.round, "move_to_open")
    response = run_action(admin_client, mini_round.round, "move_to_published")

    mini_round.round.refresh_from_db()
    assert mini_round.round.state == RoundState.OPEN
    assert "cannot move from open to published" in response.text


def test_adding_a_round_with_its_units(admin_client):
    unit = UnitFactory(code="00070")
    data = {
        "name": "Chỉ số nội bộ 2025",
        "framework_id": "test-mini",
        "period": "2025",
        "year": "2025",
        "deadline": "",
        "round_units-TOTAL_FORMS": "1",
        "round_units-INITIAL_FORMS": "0",
        "round_units-0-unit": unit.pk,
    }

    response = admin_client.post(reverse("admin:assessments_round_add"), data)
    refused = admin_client.post(
        reverse("admin:assessments_round_add"), {**data, "framework_id": "nope", "period": "x"}
    )

    assert response.status_code == 302
    round = Round.objects.get()
    assert (
        round.framework_version,
        list(round.round_units.values_list("unit__code", flat=True)),
    ) == (
        "2025",
        ["00070"],
    )
    assert list(AuditRecord.objects.values_list("action", flat=True).order_by("pk")) == [
        "round.create",
        "round.add_units",
    ]
    assert refused.status_code == 200
    assert "Framework &#x27;nope&#x27; cannot be used" in refused.text


def test_entries_filter_by_round_unit_and_leaf(admin_client, mini_round):
    url = reverse("admin:assessments_entry_changelist")
    round_id = mini_round.round.pk

    response = admin_client.get(url, {"round__id__exact": round_id, "leaf_id": "a2.online"})

    assert response.status_code == 200
    assert "a2.online — Online dossiers" in response.text  # the leaf filter names the leaves
    assert response.context["cl"].result_count == 4
    unit = mini_round.units["SXD"]
    by_unit = admin_client.get(url, {"round__id__exact": round_id, "unit__id__exact": unit.pk})
    assert by_unit.context["cl"].result_count == 4


def test_editing_an_entry_appraises_it_with_a_reason(admin_client, mini_round):
    Round.objects.filter(pk=mini_round.round.pk).update(state=RoundState.UNDER_APPRAISAL)
    entry = Entry.objects.get(unit__code="00003", leaf_id="a1.plan")
    url = reverse("admin:assessments_entry_change", args=[entry.pk])
    data = {
        "self_value": "2",
        "appraised_value": "1",
        "survey_value": "",
        "data_value": "",
        "survey_answers": "null",
        "comment": "",
        "appraisal_reason": "",
        "evidence": "[]",
    }

    refused = admin_client.post(url, data)
    saved = admin_client.post(url, {**data, "appraisal_reason": "No evidence of the plan"})

    assert refused.status_code == 200
    assert "give the reason for scoring 1 instead of the self-assessed 2." in refused.text
    assert saved.status_code == 302
    entry.refresh_from_db()
    assert (entry.appraised_value, entry.appraisal_reason) == (1.0, "No evidence of the plan")
    assert AuditRecord.objects.get(action="entry.appraise").actor_label == "admin"


def test_result_pages_are_read_only(admin_client, mini_round):
    round_compute(round=mini_round.round, actor=None)
    result = UnitResult.objects.get(unit__code="00002")
    PublishedResultFactory()

    pages = [
        reverse("admin:assessments_round_change", args=[mini_round.round.pk]),
        reverse("admin:assessments_unitresult_changelist"),
        reverse("admin:assessments_unitresult_change", args=[result.pk]),
        reverse("admin:assessments_roundcomputation_changelist"),
        reverse("admin:assessments_publishedresult_changelist"),
        reverse("admin:audit_auditrecord_changelist"),
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page
    detail = admin_client.get(pages[2])
    assert "a2.satisfaction" in detail.text
    assert 'name="score"' not in detail.text
    assert admin_client.post(pages[2], {"score": "1"}).status_code == 403


def test_removing_a_unit_in_the_round_page(admin_client, mini_round):
    round = mini_round.round
    link = round.round_units.get(unit__code="00005")
    data = {
        "name": round.name,
        "deadline": "",
        "round_units-TOTAL_FORMS": "1",
        "round_units-INITIAL_FORMS": "1",
        "round_units-0-id": link.pk,
        "round_units-0-round": round.pk,
        "round_units-0-unit": link.unit_id,
        "round_units-0-DELETE": "on",
    }

    response = admin_client.post(reverse("admin:assessments_round_change", args=[round.pk]), data)

    assert response.status_code == 302
    assert sorted(round.round_units.values_list("unit__code", flat=True)) == [
        "00001",
        "00002",
        "00003",
        "SXD",
    ]
    assert AuditRecord.objects.get(action="round.remove_units").before == {"units": ["00005"]}
