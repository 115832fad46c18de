from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import EntryFactory, RoundFactory

pytestmark = pytest.mark.django_db


def errors_of(**fields) -> dict[str, list[str]]:
    entry = EntryFactory.build(round=RoundFactory(), unit=None, **fields)
    with pytest.raises(ValidationError) as raised:
        entry.full_clean(exclude=["unit"])
    return raised.value.message_dict


def test_a_leaf_of_the_framework_with_sound_values_passes():
    entry = EntryFactory.build(
        round=RoundFactory(),
        leaf_id="a2.satisfaction",
        survey_value=100,
        survey_answers=[0, 1, 2, 30, 40],
        evidence=["https://example.test/report.pdf"],
    )
    entry.full_clean(exclude=["unit"])


def test_an_unknown_leaf_is_named():
    assert errors_of(leaf_id="a9.gone") == {
        "leaf_id": [
            "'a9.gone' is not a leaf of framework test-mini (version 2025); its leaves have ids "
            "such as a1.plan, a1.report, a2.satisfaction."
        ]
    }


def test_a_group_of_criteria_is_not_a_leaf():
    assert errors_of(leaf_id="a1") == {
        "leaf_id": [
            "'a1' (Direction) groups other criteria in framework test-mini; enter values on its "
            "leaves instead: a1.plan, a1.report."
        ]
    }


def test_negative_values_are_refused_naming_the_leaf():
    assert errors_of(leaf_id="a1.plan", self_value=-1, data_value=-0.5) == {
        "self_value": [
            "Leaf 'a1.plan' (Plan): the self-assessed value cannot be negative (got -1)."
        ],
        "data_value": ["Leaf 'a1.plan' (Plan): the data value cannot be negative (got -0.5)."],
    }


def test_points_above_the_maximum_and_percentages_above_100_are_refused():
    assert errors_of(leaf_id="a1.plan", appraised_value=4.5) == {
        "appraised_value": [
            "Leaf 'a1.plan' (Plan): the appraised value 4.5 is above the leaf's maximum of 4 points."
        ]
    }
    assert errors_of(leaf_id="a2.online", data_value=120) == {
        "data_value": [
            "Leaf 'a2.online' (Online dossiers): the data value 120 is a percentage above 100."
        ]
    }


def test_values_must_be_finite():
    assert errors_of(leaf_id="a1.plan", self_value=float("inf")) == {
        "self_value": [
            "Leaf 'a1.plan' (Plan): the self-assessed value must be a finite number, got inf."
        ]
    }


@pytest.mark.parametrize("answers", [[1, 2, 3], [1, 2, 3, 4, -5], [1, 2, 3, 4, 5.5], {"5": 3}])
def test_survey_answers_are_five_counts(answers):
    assert errors_of(leaf_id="a2.satisfaction", survey_answers=answers) == {
        "survey_answers": [
            f"Survey answers must be 5 counts (levels 1 to 5), each a whole number of at least 0; "
            f"got {answers!r}."
        ]
    }


def test_evidence_is_a_list():
    assert errors_of(leaf_id="a1.plan", evidence={"file": "x.pdf"}) == {
        "evidence": ["Evidence must be a list of references."]
    }


def test_a_round_whose_framework_cannot_be_loaded_says_so():
    entry = EntryFactory.build(round=RoundFactory(framework_id="gone"), leaf_id="a1.plan")
    with pytest.raises(ValidationError) as raised:
        entry.full_clean(exclude=["unit"])
    (message,) = raised.value.message_dict["leaf_id"]
    assert message.startswith("Framework 'gone' cannot be used: framework gone is invalid:")
