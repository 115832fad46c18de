"""The people, units and round the findings and plan tests share (import the fixtures by name:
``from tests.improvement.plan_fixtures import *``).

An open round of ``test-mini`` (criteria a1.plan, a1.report, a2.satisfaction, a2.online,
a3.local) with wards 00001 (the plan under test) and 00002, and the departments SXD and SNV;
the city HN. People: the staff and leader of 00001 and of 00002, SXD's staff, an appraiser, a
city leader, an administrator, and Hoa, who holds no role at all (a task's person).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client
from django.utils import translation
from pytest_django.fixtures import Settings

from govindex.assessments.models import Round, RoundState
from govindex.improvement.models import RootCause, Task
from govindex.improvement.services import task_create
from govindex.orgs.models import Role, Unit, UnitKind
from tests.factories import (
    MembershipFactory,
    RoundFactory,
    RoundUnitFactory,
    UnitFactory,
    UserFactory,
)
from tests.seeded import migration_rows_restored

FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "frameworks"

UNITS = {
    "00001": ("Phường An Khánh", "An Khanh Ward", UnitKind.WARD),
    "00002": ("Xã Bình Minh", "Binh Minh Commune", UnitKind.COMMUNE),
    "SXD": ("Sở Xây dựng", "Department of Construction", UnitKind.DEPARTMENT),
    "SNV": ("Sở Nội vụ", "Department of Home Affairs", UnitKind.DEPARTMENT),
    "HN": ("Thành phố Hà Nội", "Hanoi", UnitKind.CITY),
}
PEOPLE = {
    # name: (unit, role, family name, given name)
    "staff_own": ("00001", Role.STAFF, "Nguyễn", "Văn An"),
    "leader_own": ("00001", Role.LEADER, "Trần", "Thị Lan"),
    "staff_other": ("00002", Role.STAFF, "Lê", "Văn Bình"),
    "leader_other": ("00002", Role.LEADER, "Phạm", "Thị Mai"),
    "department_staff": ("SXD", Role.STAFF, "Đỗ", "Minh Tuấn"),
    "appraiser": ("SNV", Role.APPRAISER, "Hoàng", "Văn Thẩm"),
    "city_leader": ("HN", Role.CITY_LEADER, "Vũ", "Đức Thành"),
    "admin": ("HN", Role.ADMIN, "Bùi", "Quản Trị"),
}


@pytest.fixture(autouse=True)
def english(settings: Settings) -> Iterator[None]:
    """English messages, so that they can be compared word for word."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def test_frameworks(settings: Settings) -> Path:
    settings.GOVINDEX_FRAMEWORKS_DIR = FRAMEWORKS
    return FRAMEWORKS


@dataclass(frozen=True)
class PlanWorld:
    round: Round
    units: dict[str, Unit]
    people: dict[str, AbstractBaseUser]
    hoa: AbstractBaseUser

    @property
    def ward(self) -> Unit:
        return self.units["00001"]

    def cause(self, code: str = "coordination") -> RootCause:
        return RootCause.objects.get(code=code)

    def complete_task(self, **overrides: Any) -> Task:
        """A draft of 00001 with all of its "5 rõ"."""
        values: dict[str, Any] = {
            "round": self.round,
            "unit": self.ward,
            "actor": self.people["staff_own"],
            "statement": "Khảo sát sự hài lòng tại 12 tổ dân phố",
            "person": self.hoa,
            "deadline": dt.date(2099, 3, 31),
            "accountable_unit": self.ward,
            "expected_output": "Báo cáo kết quả khảo sát",
            "measure": "Tỷ lệ hài lòng từ 80 % trở lên",
            "leaf_ids": ["a2.satisfaction"],
        }
        values.update(overrides)
        return task_create(**values)


@pytest.fixture
def world(db: None) -> PlanWorld:
    migration_rows_restored()  # a flush may have removed them (tests/seeded.py)
    round = RoundFactory(name="Mini 2025", state=RoundState.OPEN)
    units = {
        code: UnitFactory(code=code, name_vi=vi, name_en=en, kind=kind)
        for code, (vi, en, kind) in UNITS.items()
    }
    for code in ("00001", "00002", "SXD", "SNV"):
        RoundUnitFactory(round=round, unit=units[code])
    people = {}
    for name, (code, role, family, given) in PEOPLE.items():
        user = UserFactory(username=name, last_name=family, first_name=given)
        MembershipFactory(user=user, unit=units[code], role=role)
        people[name] = user
    hoa = UserFactory(username="hoa", last_name="Trần", first_name="Thị Hoa")
    return PlanWorld(round=round, units=units, people=people, hoa=hoa)


@pytest.fixture
def client_for() -> Callable[[AbstractBaseUser | None], Client]:
    """A test client signed in as the user (anonymous for ``None``), asking for English."""

    def make(user: AbstractBaseUser | None) -> Client:
        client = Client(headers={"Accept-Language": "en"})
        if user is not None:
            client.force_login(user)
        return client

    return make
