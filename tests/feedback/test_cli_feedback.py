"""``govindex feedback escalate`` and ``govindex feedback api-key``."""

from __future__ import annotations

import pytest

from govindex.cli import main
from govindex.feedback.models import ApiKey, FeedbackCase
from govindex.feedback.services import api_key_find
from tests.feedback.conftest import hanoi
from tests.feedback.test_feedback_transition import submit

pytestmark = pytest.mark.django_db


def test_escalate_command_escalates_overdue_cases(category, ward, capsys) -> None:
    case = submit(category, ward, now=hanoi(2025, 3, 10, 9))  # long past its deadlines
    assert main(["feedback", "escalate"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("checked 1 open case(s): 0 escalated to unit leaders, 1 to the city")
    assert FeedbackCase.objects.get(pk=case.pk).escalation_level == 2


def test_api_key_command_prints_a_working_key_once(capsys) -> None:
    assert main(["feedback", "api-key", "--name", "iHaNoi", "--per-hour", "50"]) == 0
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    key = api_key_find(raw)
    assert key is not None and (key.name, key.per_hour) == ("iHaNoi", 50)
    assert raw not in ApiKey.objects.values_list("key_hash", flat=True)
    assert main(["feedback", "api-key"]) == 2
