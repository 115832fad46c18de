from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.utils import translation
from pytest_django.fixtures import Settings

from govindex.assessments.models import Round
from govindex.orgs.models import Unit, UnitKind
from tests.factories import EntryFactory, RoundFactory, RoundUnitFactory, UnitFactory

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"


@pytest.fixture(autouse=True)
def english(settings: Settings) -> Iterator[None]:
    """English unless a test asks otherwise: messages built outside a request (services called
    directly) and pages requested without Accept-Language (the admin client). The browser tests
    ask for Vietnamese."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def test_frameworks(settings: Settings) -> Path:
    """Score rounds with the small frameworks under tests/fixtures/frameworks."""
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    return FRAMEWORKS


@dataclass(frozen=True)
class MiniRound:
    """The hand-scored round of ``test-mini`` (24 points: a1 10, a2 10, a3 4 for wards only).

    ======  ====================================================  =============  =====
    unit    values (plan, report, satisfaction %, online %, local)  points / max  score
    ======  ====================================================  =============  =====
    00001   4, 6, 80 → 6, 100 → 4, 4                              24 / 24        100
    00002   self 4 appraised 3, 6, 60 → 4.5, 50 → 2, 2.5          18 / 24        75
    00003   2, 5.5, 80 → 6, 50 → 2, 2.5                           18 / 24        75
    SXD     2, N/A, 40 → 3, 25 → 1, (a3 not for departments)      6 / 14         42.86
    00005   nothing entered                                       — / 24         N/A
    ======  ====================================================  =============  =====
    """

    round: Round
    units: dict[str, Unit]


@pytest.fixture
def mini_round(db: None) -> MiniRound:
    round = RoundFactory(name="Mini 2025")
    units = {
        code: UnitFactory(code=code, kind=UnitKind.DEPARTMENT if code == "SXD" else UnitKind.WARD)
        for code in ("00001", "00002", "00003", "SXD", "00005")
    }
    for unit in units.values():
        RoundUnitFactory(round=round, unit=unit)
    rows = {
        "00001": [
            ("a1.plan", {"self_value": 4}),
            ("a1.report", {"self_value": 6}),
            ("a2.satisfaction", {"survey_value": 80, "self_value": 0}),
            ("a2.online", {"data_value": 100, "self_value": 0}),
            ("a3.local", {"self_value": 4}),
        ],
        "00002": [
            ("a1.plan", {"self_value": 4, "appraised_value": 3}),
            ("a1.report", {"self_value": 6}),
            ("a2.satisfaction", {"survey_value": 60}),
            ("a2.online", {"data_value": 50}),
            ("a3.local", {"self_value": 2.5}),
        ],
        "00003": [
            ("a1.plan", {"self_value": 2}),
            ("a1.report", {"self_value": 5.5}),
            ("a2.satisfaction", {"survey_value": 80}),
            ("a2.online", {"data_value": 50}),
            ("a3.local", {"self_value": 2.5}),
        ],
        "SXD": [
            ("a1.plan", {"self_value": 2}),
            ("a1.report", {"self_value": 6, "not_applicable": True}),
            ("a2.satisfaction", {"survey_value": 40}),
            ("a2.online", {"data_value": 25}),
        ],
    }
    for code, leaves in rows.items():
        for leaf_id, values in leaves:
            EntryFactory(round=round, unit=units[code], leaf_id=leaf_id, **values)
    return MiniRound(round=round, units=units)


# --- the assessment screens (views) ----------------------------------------------------------


@pytest.fixture
def media_root(settings: Settings, tmp_path: Path) -> Path:
    """Evidence files go to a fresh folder per test (``MEDIA_ROOT``)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def client_for() -> Callable[[AbstractBaseUser | None], Client]:
    """``client_for(user)``: a test client signed in as ``user`` (anonymous for ``None``) that
    asks for English pages, so messages can be compared word for word."""

    def make(user: AbstractBaseUser | None, **options: Any) -> Client:
        client = Client(headers={"Accept-Language": "en"}, **options)
        if user is not None:
            client.force_login(user)
        return client

    return make
